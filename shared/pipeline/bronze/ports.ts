import type { OriginMark, OriginTick } from '../ports.js';

/**
 * The ports of the bronze layer. Adapters (`shared/adapters/bronze/`) implement them over S3 and Parquet;
 * the writer and the compactor only see ticks with their stream origin.
 */

/** One compacted file of the bronze lake: the ticks of one symbol and one UTC hour of `ts`. */
export interface HourFile {
  /** Object key, `ticks/symbol=<S>/date=<YYYY-MM-DD>/part-h<HH>.parquet` (or `part-h<HH>-m<MM>`, see `hourFileOf`). */
  readonly key: string;
  readonly symbol: string;
  /** UTC date of the hour, YYYY-MM-DD. */
  readonly date: string;
  /** UTC hour of day, 0–23. */
  readonly hour: number;
  /** First minute of the hour the file covers: 0 for an hourly file. */
  readonly minute: number;
}

/**
 * Where the bronze writer lands one object per batch and the compactor picks them up. It lies outside
 * every table location, so query engines never see staged (possibly overlapping) ticks.
 */
export interface StagingArea {
  /** Writes (or replaces) one staged object. A PUT of one key is atomic. */
  write(key: string, ticks: readonly OriginTick[]): Promise<void>;
  /** Keys of every staged object present now. */
  list(): Promise<string[]>;
  /**
   * The ticks of one staged object, or undefined when it is gone (consumed by a concurrent run).
   * Throws UnreadableStagedObjectError when its content is not staged ticks.
   */
  read(key: string): Promise<OriginTick[] | undefined>;
  /** Deletes one staged object; deleting a missing key is not an error. */
  remove(key: string): Promise<void>;
}

/** The compacted bronze lake, one file per symbol and hour. */
export interface TickLake {
  /** The ticks of one hour file; [] when it does not exist yet. Throws UnreadableTickFileError. */
  read(file: HourFile): Promise<OriginTick[]>;
  /** Replaces one hour file with these ticks (one atomic PUT). */
  write(file: HourFile, ticks: readonly OriginTick[]): Promise<void>;
}

/**
 * The idle flush's watermark marks as the bronze consumer read them from the stream, one small object
 * per mark keyed by its stream position (`_marks/symbol=<S>/date=<date of the watermark>/…`), so a
 * retried batch rewrites the same objects. Marks are rare (one per quiet symbol when a bar is due), and
 * a backfill needs them to decide lateness as the stream did (README, "Backfill from the bronze layer").
 */
export interface MarkStore {
  write(mark: OriginMark): Promise<void>;
  /** The marks of one symbol whose watermark falls on this UTC date. */
  read(symbol: string, date: string): Promise<OriginMark[]>;
}
