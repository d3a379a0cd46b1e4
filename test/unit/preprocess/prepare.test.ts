import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../../shared/adapters/file-object-store.js';
import { parquetLake } from '../../../shared/adapters/parquet/lake.js';
import { prepareRun } from '../../../shared/pipeline/preprocess/index.js';
import {
  FIXTURE_START,
  FIXTURE_SYMBOLS,
  fixtureBars,
  MINUTE,
  writeBarsLake,
} from '../../support/preprocess/lake-fixture.js';

describe('prepareRun (symbols, spans and global boundaries from the lake)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-prepare-'));
    writeBarsLake(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds each symbol first and last bar across its date partitions', async () => {
    const run = await prepareRun(parquetLake(new FileObjectStore(dir)), {});
    expect(run.symbols).toEqual(
      FIXTURE_SYMBOLS.map((s) => {
        const bars = fixtureBars(s);
        return { symbol: s.symbol, first: bars[0]!.windowStart, last: bars[bars.length - 1]!.windowStart };
      }),
    );
    const kept = FIXTURE_SYMBOLS.reduce((n, s) => n + s.gridRows - 60, 0);
    expect(run.boundaries?.totalRows).toBe(kept);
    expect(run.range).toEqual({
      from: run.symbols[0]!.first,
      to: Math.max(...run.symbols.map((s) => s.last)),
    });
  });

  it('clips spans to the requested range, on both sides of a date boundary', async () => {
    const from = FIXTURE_START + 100 * MINUTE; // 2024-01-01T23:40Z
    const to = FIXTURE_START + 130 * MINUTE; // 2024-01-02T00:10Z
    const run = await prepareRun(parquetLake(new FileObjectStore(dir)), { from, to });
    expect(run.range).toEqual({ from, to });
    for (const span of run.symbols) {
      expect(span.first).toBeGreaterThanOrEqual(from);
      expect(span.last).toBeLessThanOrEqual(to);
    }
    expect(run.boundaries).toBeNull(); // 31 grid rows at most: all warm-up
  });

  it('reports a symbol whose first date file is unreadable and leaves it out of the boundaries', async () => {
    writeFileSync(
      join(dir, 'bars/interval=1m/symbol=AAPL/date=2024-01-01/part-00000.parquet'),
      'not parquet',
    );
    const run = await prepareRun(parquetLake(new FileObjectStore(dir)), {});
    expect(run.symbols.map((s) => s.symbol)).toEqual(['BTC-USDT', 'EUR/USD']);
    expect(run.unreadable).toEqual([
      expect.objectContaining({ symbol: 'AAPL', error: 'UnreadableBarsError' }),
    ]);
    expect(run.boundaries?.totalRows).toBe(480 - 60 + 505 - 60);
  });

  it('finds no symbols for an interval the lake does not hold', async () => {
    const run = await prepareRun(parquetLake(new FileObjectStore(dir)), { interval: '5m' });
    expect(run).toMatchObject({ interval: '5m', stepMs: 300_000, symbols: [], boundaries: null });
  });
});
