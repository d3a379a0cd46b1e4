import type { OriginTick } from '../ports.js';

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

/**
 * The shard ranges of one part, as the footer of a later part records them (see `tick-parts.ts`):
 * per shard, the smallest and the largest (sequence number, sub_index) among the part's rows.
 */
export interface PartRanges {
  readonly rows: number;
  readonly shards: Readonly<Record<string, readonly [string, number, string, number]>>;
}

/**
 * What a part's footer says (Parquet key-value metadata, written in the same PUT as its rows):
 * `sealed` false only on the last part of its file, still open for rows; `parts[i]` the ranges of part i
 * for every i up to this part (null where unknown: a file written before parts existed).
 */
export interface PartFooter {
  readonly sealed: boolean;
  readonly parts: readonly (PartRanges | null)[];
}

/** One stored part: its footer (undefined for a file written before parts existed) and its rows, decoded on demand. */
export interface StoredPart {
  readonly footer: PartFooter | undefined;
  readonly rows: number;
  ticks(): Promise<OriginTick[]>;
}

/**
 * The compacted bronze lake: per symbol and hour (or `fileMinutes` span) one file, stored as one or more
 * parts (`part-hHH.parquet`, `part-hHH-p0001.parquet`, …, see `partKey`). Readers go through `read`,
 * which hides the parts; the compactor works part by part.
 */
export interface TickLake {
  /**
   * Every tick of one file, all its parts, in `compareTicks` order; [] when it does not exist yet.
   * Throws UnreadableTickFileError.
   */
  read(file: HourFile): Promise<OriginTick[]>;
  /** The part numbers of one file present now, ascending. */
  partNumbers(file: HourFile): Promise<number[]>;
  /** One part, or undefined when it does not exist. Throws UnreadableTickFileError. */
  readPart(file: HourFile, part: number): Promise<StoredPart | undefined>;
  /** The identities (`tickIdentity`) of one part's rows, reading only the identity columns. */
  readIdentities(file: HourFile, part: number): Promise<Set<string>>;
  /** Replaces one part with these ticks and this footer (one atomic PUT). */
  writePart(file: HourFile, part: number, ticks: readonly OriginTick[], footer: PartFooter): Promise<void>;
}
