import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { type DecodedRow, decodeParquet } from '../../shared/adapters/parquet/index.js';
import { parsePartitionPath } from '../../shared/lake/index.js';
import { positionIdentity } from '../../shared/pipeline/bronze/tick-order.js';
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
  /** Bar rows per interval label. */
  readonly barRows: Record<string, number>;
  readonly bronze: BronzeCount;
}

/** The bronze layer as a reader of `ticks/` sees it: every part of every compacted file. */
export interface BronzeCount {
  /** Distinct ticks, by stream identity (shard, sequence number, sub-index). */
  readonly ticks: number;
  /** Rows: more than `ticks` only if some tick were stored twice. */
  readonly rows: number;
  /** Parquet files (parts counted apart). */
  readonly files: number;
}

/**
 * Rows per dataset in the exported lake (quarantine total, bars per interval) and the bronze ticks,
 * counted from the files themselves whichever compaction run wrote them.
 */
async function countLake(dir: string, files: readonly string[]): Promise<LakeCounts> {
  const COUNT_COLUMN: Partial<Record<string, string>> = { quarantine: 'reason', bars: 'window_start' };
  let quarantined = 0;
  const barRows: Record<string, number> = {};
  const bronze = new BronzeCounter();
  for (const key of files) {
    // Tables only: the bronze layer's watermark marks (`_marks/`) are no partition files.
    if (!key.endsWith('.parquet')) continue;
    const loc = parsePartitionPath(key);
    if (loc.dataset === 'ticks') {
      bronze.add(
        key.slice(0, key.lastIndexOf('/')),
        await decodeParquet(await readFile(join(dir, key)), IDENTITY_COLUMNS),
      );
      continue;
    }
    const column = COUNT_COLUMN[loc.dataset];
    if (!column) continue;
    const rows = (await decodeParquet(await readFile(join(dir, key)), [column])).length;
    if (loc.dataset === 'quarantine') quarantined += rows;
    else barRows[loc.partition.interval!] = (barRows[loc.partition.interval!] ?? 0) + rows;
  }
  return { quarantined, barRows, bronze: bronze.count() };
}

const IDENTITY_COLUMNS = ['shard_id', 'sequence_number', 'sub_index'];

/**
 * Counts bronze ticks by identity, one partition (symbol, date) at a time: a tick's file is a function
 * of its symbol and event time (`hourFileOf`), so a tick stored twice is stored twice in one partition,
 * and only that partition's identities are held at once. Files must come partition by partition
 * (sorted keys do).
 */
class BronzeCounter {
  private partition: string | undefined;
  private ids = new Set<string>();
  private ticks = 0;
  private rows = 0;
  private files = 0;

  add(partition: string, rows: readonly DecodedRow[]): void {
    if (partition !== this.partition) {
      this.ticks += this.ids.size;
      this.ids = new Set();
      this.partition = partition;
    }
    for (const row of rows) {
      this.ids.add(
        positionIdentity(String(row.shard_id), String(row.sequence_number), Number(row.sub_index)),
      );
    }
    this.rows += rows.length;
    this.files++;
  }

  count(): BronzeCount {
    return { ticks: this.ticks + this.ids.size, rows: this.rows, files: this.files };
  }
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
