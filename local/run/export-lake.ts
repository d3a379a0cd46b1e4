import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { runLimited } from '../../shared/pipeline/concurrency.js';

/**
 * Mirrors the lake bucket into a directory, key for key (`bars/interval=1m/symbol=EUR%2FUSD/…`), so any
 * Parquet reader (DuckDB with hive_partitioning, Spark, pandas) reads the local lake like the S3 one.
 * The directory is replaced, so it never mixes files of two runs.
 */
export async function exportLake(store: ObjectStore, dir: string): Promise<string[]> {
  const root = resolve(dir);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const keys = await store.list('');
  await runLimited(keys, 8, async (key) => {
    const path = resolve(join(root, key));
    if (!path.startsWith(root + sep)) throw new Error(`lake key escapes the export directory: ${key}`);
    const body = await store.get(key);
    if (!body) throw new Error(`lake object vanished during export: ${key}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  });
  return keys.sort();
}
