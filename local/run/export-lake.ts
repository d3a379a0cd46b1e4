import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { decodeParquet } from '../../shared/adapters/parquet/index.js';
import { parsePartitionPath } from '../../shared/lake/index.js';
import { runLimited } from '../../shared/pipeline/concurrency.js';
import type { ObjectStore } from '../../shared/pipeline/ports.js';
import type { LocalServing, ServingPartitionRange } from './serving.js';
import type { RunSummary } from './summary.js';

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

/** What the export step of a run wrote and counted. */
export interface RunExport {
  readonly lakeDir: string;
  /** The lake's keys, sorted. */
  readonly files: readonly string[];
  readonly counts: LakeCounts;
  readonly serving?: RunSummary['serving'];
}

/**
 * The run's results on disk: the lake under `out/lake`, counted, and the serving store's bars read
 * back into `out/serving/bars.csv` when there is one. The local run's own step: not metered.
 */
export async function exportRun(lake: ObjectStore, out: string, serving?: LocalServing): Promise<RunExport> {
  const lakeDir = join(out, 'lake');
  const files = await exportLake(lake, lakeDir);
  const counts = await countLake(lakeDir, files);
  if (!serving) return { lakeDir, files, counts };
  const exported = join(out, 'serving', 'bars.csv');
  await mkdir(join(out, 'serving'), { recursive: true });
  const rows = await serving.exportCsv(exported, servingRanges(files));
  return { lakeDir, files, counts, serving: { kind: 'cassandra', exported, rows } };
}

/** Rows per dataset in an exported lake. */
export interface LakeCounts {
  readonly quarantined: number;
  readonly ticks: number;
  /** Bar rows per interval label. */
  readonly barRows: Record<string, number>;
}

/** Rows per dataset in the exported lake (quarantine total and bars per interval). */
async function countLake(dir: string, files: readonly string[]): Promise<LakeCounts> {
  const COUNT_COLUMN: Partial<Record<string, string>> = {
    quarantine: 'reason',
    ticks: 'ts',
    bars: 'window_start',
  };
  let quarantined = 0;
  let ticks = 0;
  const barRows: Record<string, number> = {};
  for (const key of files) {
    // Tables only: the bronze layer's watermark marks (`_marks/`) are no partition files.
    if (!key.endsWith('.parquet')) continue;
    const loc = parsePartitionPath(key);
    const column = COUNT_COLUMN[loc.dataset];
    if (!column) continue;
    const rows = (await decodeParquet(await readFile(join(dir, key)), [column])).length;
    if (loc.dataset === 'quarantine') quarantined += rows;
    else if (loc.dataset === 'ticks') ticks += rows;
    else barRows[loc.partition.interval!] = (barRows[loc.partition.interval!] ?? 0) + rows;
  }
  return { quarantined, ticks, barRows };
}

/** The (symbol, interval) pairs of the lake's bars and their date range, for reading the serving store back. */
function servingRanges(files: readonly string[]): ServingPartitionRange[] {
  const ranges = new Map<string, { symbol: string; interval: string; from: number; to: number }>();
  for (const key of files) {
    if (!key.startsWith('bars/')) continue;
    const loc = parsePartitionPath(key);
    const { symbol, interval, date } = loc.partition as { symbol: string; interval: string; date: string };
    const day = Date.parse(`${date}T00:00:00Z`);
    const id = `${interval}|${symbol}`;
    const r = ranges.get(id);
    if (!r) ranges.set(id, { symbol, interval, from: day, to: day + 86_400_000 });
    else {
      r.from = Math.min(r.from, day);
      r.to = Math.max(r.to, day + 86_400_000);
    }
  }
  return [...ranges.values()];
}
