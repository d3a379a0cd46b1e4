import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore, InvalidObjectKeyError } from '../../../shared/adapters/file-object-store.js';

describe('FileObjectStore (an ObjectStore over a lake directory)', () => {
  let dir: string;
  let store: FileObjectStore;
  const bytes = (s: string) => new TextEncoder().encode(s);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-fos-'));
    store = new FileObjectStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it wrote and answers undefined for a missing key', async () => {
    await store.put('features/split=train/symbol=A/part-00000.parquet', bytes('one'));
    await store.put('features/split=train/symbol=A/part-00000.parquet', bytes('two'));
    expect(
      new TextDecoder().decode(await store.get('features/split=train/symbol=A/part-00000.parquet')),
    ).toBe('two');
    expect(await store.get('features/nothing.json')).toBeUndefined();
  });

  it('lists keys under a prefix in lexicographic order, like S3, including partial last segments', async () => {
    for (const key of [
      'bars/interval=1m/symbol=B/x',
      'bars/interval=1m/symbol=A/y',
      'bars/interval=1m/symbol=AB/z',
      'bars/interval=5m/symbol=A/w',
    ]) {
      await store.put(key, bytes(key));
    }
    expect(await store.list('bars/interval=1m/')).toEqual([
      'bars/interval=1m/symbol=A/y',
      'bars/interval=1m/symbol=AB/z',
      'bars/interval=1m/symbol=B/x',
    ]);
    expect(await store.list('bars/interval=1m/symbol=A/')).toEqual(['bars/interval=1m/symbol=A/y']);
    expect(await store.list('bars/interval=1m/symbol=A')).toEqual([
      'bars/interval=1m/symbol=A/y',
      'bars/interval=1m/symbol=AB/z',
    ]);
    expect(await store.list('ticks/')).toEqual([]);
  });

  it('deletes a key, prunes the folders it leaves empty, and ignores a missing key', async () => {
    await store.put('features/split=val/symbol=A/part-00000.parquet', bytes('x'));
    await store.put('features/split=val/symbol=B/part-00000.parquet', bytes('y'));
    await store.delete('features/split=val/symbol=A/part-00000.parquet');
    await store.delete('features/split=val/symbol=A/part-00000.parquet');
    expect(existsSync(join(dir, 'features/split=val/symbol=A'))).toBe(false);
    expect(await store.list('features/')).toEqual(['features/split=val/symbol=B/part-00000.parquet']);
    expect(existsSync(dir)).toBe(true);
  });

  it('rejects keys that would leave the lake directory', async () => {
    await expect(store.put('../escape', bytes('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(store.get('/etc/passwd')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(store.get('bars//x')).rejects.toThrow(/empty/);
  });
});
