import { runLimited } from '../concurrency.js';
import type { HourFile, OriginTick, StagingArea, TickLake } from '../ports.js';
import { UnreadableStagedObjectError } from './errors.js';
import { checkFileMinutes, groupByHourFile, HOURLY_FILE_MINUTES, isPartitionable } from './hour-files.js';
import { mergeTicks } from './tick-order.js';

export interface TickCompactorOptions {
  /** Staged objects read, merged and then deleted together at most. @default 200 */
  readonly objectsPerChunk?: number;
  /**
   * Staged rows per chunk: a chunk closes once it holds this many (bounds memory with the hour files it
   * touches). @default 200_000
   */
  readonly rowsPerChunk?: number;
  /** Staged objects consumed by one run at most; the rest wait for the next run. @default 5000 */
  readonly maxObjectsPerRun?: number;
  /** Concurrent reads, file rewrites and deletes. @default 4 */
  readonly concurrency?: number;
  /** Minutes of event time per compacted file, a divisor of 60 (see `hourFileOf`). @default 60 */
  readonly fileMinutes?: number;
}

export interface CompactionReport {
  /** Staged objects consumed (merged, then deleted). */
  stagedFiles: number;
  /** Staged rows read. */
  rowsIn: number;
  /** Rows in the hour files written, after their last rewrite of this run. */
  rowsOut: number;
  /** Distinct hour files written. */
  filesWritten: number;
  /** Staged rows already in the lake or staged twice (retried, differently split batches). */
  duplicatesDropped: number;
  /** Staged objects left in place because they are unreadable (see UnreadableStagedObjectError). */
  unreadable: { key: string; reason: string }[];
  /** Staged objects left for the next run (over `maxObjectsPerRun`). */
  remaining: number;
}

/**
 * Folds staged bronze objects into the lake's hourly tick files, "few large files" with exactly-once rows.
 *
 * Per chunk of staged objects: read them; group their ticks by (symbol, date, hour of `ts`); for each
 * group, rewrite `ticks/symbol=<S>/date=<D>/part-h<HH>.parquet` as existing rows ∪ staged rows,
 * deduplicated by identity and sorted; only when every affected file is written, delete the staged
 * objects of the chunk (never ones that appeared meanwhile). Each PUT is atomic, so a reader sees a file
 * before or after its rewrite and never a row twice; a crash anywhere leaves every row in the lake or
 * still staged, and the next run reaches the same files (merging is idempotent).
 *
 * One run at a time (reserved concurrency 1): two concurrent rewrites of one file could lose rows.
 */
export class TickCompactor {
  private readonly objectsPerChunk: number;
  private readonly rowsPerChunk: number;
  private readonly maxObjectsPerRun: number;
  private readonly concurrency: number;
  private readonly fileMinutes: number;

  constructor(
    private readonly staging: StagingArea,
    private readonly lake: TickLake,
    options: TickCompactorOptions = {},
  ) {
    this.objectsPerChunk = positive('objectsPerChunk', options.objectsPerChunk ?? 200);
    this.rowsPerChunk = positive('rowsPerChunk', options.rowsPerChunk ?? 200_000);
    this.maxObjectsPerRun = positive('maxObjectsPerRun', options.maxObjectsPerRun ?? 5000);
    this.concurrency = positive('concurrency', options.concurrency ?? 4);
    this.fileMinutes = checkFileMinutes(options.fileMinutes ?? HOURLY_FILE_MINUTES);
  }

  /**
   * Compacts what is staged now, up to `maxObjectsPerRun` objects, oldest keys first.
   * @example const { filesWritten, duplicatesDropped } = await compactor.run();
   */
  async run(): Promise<CompactionReport> {
    const keys = (await this.staging.list()).sort();
    const selected = keys.slice(0, this.maxObjectsPerRun);
    const report: CompactionReport = {
      stagedFiles: 0,
      rowsIn: 0,
      rowsOut: 0,
      filesWritten: 0,
      duplicatesDropped: 0,
      unreadable: [],
      remaining: keys.length - selected.length,
    };
    const rowsByFile = new Map<string, number>();
    let chunk: StagedChunk = { keys: [], ticks: [] };
    // Read in waves of `concurrency` objects; merge and delete whenever the chunk is full.
    for (let i = 0; i < selected.length; i += this.concurrency) {
      await this.readWave(selected.slice(i, i + this.concurrency), chunk, report);
      const last = i + this.concurrency >= selected.length;
      if (last || chunk.keys.length >= this.objectsPerChunk || chunk.ticks.length >= this.rowsPerChunk) {
        await this.compactChunk(chunk, report, rowsByFile);
        chunk = { keys: [], ticks: [] };
      }
    }
    report.filesWritten = rowsByFile.size;
    for (const rows of rowsByFile.values()) report.rowsOut += rows;
    report.unreadable.sort((a, b) => (a.key < b.key ? -1 : 1));
    return report;
  }

  /** Reads staged objects into the chunk (unreadable ones are reported and skipped). */
  private async readWave(
    keys: readonly string[],
    chunk: StagedChunk,
    report: CompactionReport,
  ): Promise<void> {
    const read: (OriginTick[] | undefined)[] = new Array(keys.length);
    await runLimited([...keys.keys()], this.concurrency, async (j) => {
      read[j] = await this.readStaged(keys[j]!, report);
    });
    keys.forEach((key, j) => {
      const ticks = read[j];
      if (ticks === undefined) return;
      chunk.keys.push(key);
      for (const t of ticks) chunk.ticks.push(t);
    });
  }

  /** Merges a chunk into its hour files, then deletes its staged objects. */
  private async compactChunk(
    chunk: StagedChunk,
    report: CompactionReport,
    rowsByFile: Map<string, number>,
  ): Promise<void> {
    report.rowsIn += chunk.ticks.length;
    const groups = [...groupByHourFile(chunk.ticks, this.fileMinutes).values()];
    await runLimited(groups, this.concurrency, async ({ file, ticks }) => {
      const rows = await this.rewrite(file, ticks, report);
      if (rows !== undefined) rowsByFile.set(file.key, rows);
    });

    // Every affected file now holds the chunk's rows: its staged objects can go.
    await runLimited(chunk.keys, this.concurrency, (key) => this.staging.remove(key));
    report.stagedFiles += chunk.keys.length;
  }

  /** The ticks of a staged object; undefined when it is gone or unreadable (then reported, kept). */
  private async readStaged(key: string, report: CompactionReport): Promise<OriginTick[] | undefined> {
    try {
      const ticks = await this.staging.read(key);
      const outside = ticks?.find((t) => !isPartitionable(t.tick.ts));
      if (outside) throw new UnreadableStagedObjectError(key, `ts ${outside.tick.ts} has no lake date`);
      return ticks;
    } catch (err) {
      if (!(err instanceof UnreadableStagedObjectError)) throw err;
      report.unreadable.push({ key, reason: err.reason });
      return undefined;
    }
  }

  /** Rewrites one hour file with the staged ticks merged in; returns its rows, or undefined if unchanged. */
  private async rewrite(
    file: HourFile,
    staged: readonly OriginTick[],
    report: CompactionReport,
  ): Promise<number | undefined> {
    const existing = await this.lake.read(file);
    const merged = mergeTicks(existing, staged);
    report.duplicatesDropped += merged.duplicatesDropped;
    // Nothing new (a rerun after a crash between the writes and the deletes): keep the file as it is.
    if (merged.added === 0) return undefined;
    await this.lake.write(file, merged.ticks);
    return merged.ticks.length;
  }
}

/** Staged objects read but not yet merged, with their ticks. */
interface StagedChunk {
  readonly keys: string[];
  readonly ticks: OriginTick[];
}

function positive(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`TickCompactor ${option} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}
