import { runLimited } from '../concurrency.js';
import type { HourFile, OriginTick, StagingArea, TickLake } from '../ports.js';
import { UnreadableStagedObjectError } from './errors.js';
import {
  checkFileMinutes,
  groupByHourFile,
  HOURLY_FILE_MINUTES,
  isPartitionable,
  partKey,
} from './hour-files.js';
import { DEFAULT_PART_ROWS, type FileParts, loadFileParts, mergeIntoParts } from './tick-parts.js';

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
  /**
   * Rows per part of a compacted file (see `mergeIntoParts`): a run rewrites at most one part of a file,
   * so its cost follows what was staged, not what the file holds. @default 262_144
   */
  readonly partRows?: number;
}

export interface CompactionReport {
  /** Staged objects consumed (merged, then deleted). */
  stagedFiles: number;
  /** Staged rows read. */
  rowsIn: number;
  /** Rows in the files (parts) written, after their last write of this run. */
  rowsOut: number;
  /** Distinct files (parts of hour files) written. */
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
 * Per chunk of staged objects: read them; group their ticks by (symbol, date, hour of `ts`); merge each
 * group into `ticks/symbol=<S>/date=<D>/part-h<HH>.parquet` and its later parts (`mergeIntoParts`):
 * staged rows already in the file are dropped by identity, the file's open last part is filled and new
 * parts follow, so a run writes in proportion to what was staged, never the whole hour again. Only when
 * every affected file is written are the chunk's staged objects deleted (never ones that appeared
 * meanwhile). Each PUT is atomic and rows never move between parts, so a reader sees every row once,
 * before or after each write; a crash anywhere leaves every row in the lake or still staged, and the next
 * run reaches the same rows (merging is idempotent).
 *
 * One run at a time (in AWS a run lease held until the invocation's timeout, `functions/compactor`): two
 * concurrent writes of one part could lose rows.
 */
export class TickCompactor {
  private readonly objectsPerChunk: number;
  private readonly rowsPerChunk: number;
  private readonly maxObjectsPerRun: number;
  private readonly concurrency: number;
  private readonly fileMinutes: number;
  private readonly partRows: number;

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
    this.partRows = positive('partRows', options.partRows ?? DEFAULT_PART_ROWS);
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
    const files = new Map<string, FileParts>();
    let chunk: StagedChunk = { keys: [], ticks: [] };
    // Read in waves of `concurrency` objects; merge and delete whenever the chunk is full.
    for (let i = 0; i < selected.length; i += this.concurrency) {
      await this.readWave(selected.slice(i, i + this.concurrency), chunk, report);
      const last = i + this.concurrency >= selected.length;
      if (last || chunk.keys.length >= this.objectsPerChunk || chunk.ticks.length >= this.rowsPerChunk) {
        await this.compactChunk(chunk, report, rowsByFile, files);
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
    files: Map<string, FileParts>,
  ): Promise<void> {
    report.rowsIn += chunk.ticks.length;
    const groups = [...groupByHourFile(chunk.ticks, this.fileMinutes).values()];
    await runLimited(groups, this.concurrency, async ({ file, ticks }) => {
      for (const { part, rows } of await this.merge(file, ticks, report, files)) {
        rowsByFile.set(partKey(file, part), rows);
      }
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

  /** Merges staged ticks into one file's parts; returns the parts written (none when nothing was new). */
  private async merge(
    file: HourFile,
    staged: readonly OriginTick[],
    report: CompactionReport,
    files: Map<string, FileParts>,
  ): Promise<{ part: number; rows: number }[]> {
    let parts = files.get(file.key);
    if (parts === undefined) {
      parts = await loadFileParts(this.lake, file, this.partRows);
      files.set(file.key, parts);
    }
    const merged = await mergeIntoParts(this.lake, file, parts, staged, this.partRows);
    report.duplicatesDropped += merged.duplicatesDropped;
    return merged.written;
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
