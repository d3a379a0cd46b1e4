import type { SeenIds } from '../domain/index.js';
import type { MarketAlert } from '../domain/market-alerts/index.js';
import type { Bar, LateTick, QuarantinedRecord, Tick, TickOrigin } from '../domain/types.js';
import type { WatermarkMark } from '../domain/watermark-mark.js';
import type { LakeColumns, LakeRow, LakeSchema } from '../lake/index.js';

/**
 * Every port of the pipeline layer, in one place: what the application services (aggregation,
 * lake materializer, bronze writer and compactor, preprocess tasks) read and write through.
 * Adapters (`shared/adapters/`: DynamoDB, S3, Parquet, Cassandra) implement them; tests and the
 * local run plug the same adapters in against the emulators.
 */

// ---- The aggregation: state, outputs, serving, and the per-symbol engine ----

/** Exact per-symbol accounting, committed atomically with the symbol's state. */
export interface SymbolCounters {
  valid: number;
  duplicates: number;
  late: Record<string, number>;
  bars: Record<string, number>;
}

/**
 * What the state table holds for one symbol: its bounded head. The trade ids inside the dedup
 * horizon are kept beside it in the symbol's seen-id log (see `seen-id-log.ts`) and read with
 * `StateStore.loadSeenIds`.
 */
export interface StoredSymbolState {
  readonly symbol: string;
  /** Incremented by every commit; the conditional write on it fences zombie instances. */
  readonly version: number;
  /** Last applied sequence number per shard: replayed records at or below it are skipped. */
  readonly applied: Readonly<Record<string, string>>;
  /** The aggregator's snapshot (opaque to the store). */
  readonly snapshot: unknown;
  readonly counters: SymbolCounters;
  /** Processing time of the last tick applied, epoch ms (drives the idle flush). */
  readonly lastActivity: number;
  /** True once the symbol was flushed at the end of a replay: nothing is open any more. */
  readonly flushed?: boolean;
  /** Event time from which the symbol's seen trade ids still matter; null before its first tick. */
  readonly seenIdsFrom: number | null;
  /** Newest entry of the symbol's seen-id log (kept by the store; copy it forward unchanged). */
  readonly seenIdsTip?: string;
  /** Unique per commit: tells an instance whether the head is still the one it committed itself. */
  readonly commitId?: string;
}

/** Thrown by `StateStore.commit` when another writer committed first (the version moved on). */
export class StateConflictError extends Error {
  constructor(
    readonly symbol: string,
    readonly expectedVersion: number,
  ) {
    super(`state of ${symbol} changed since version ${expectedVersion} was read`);
    this.name = 'StateConflictError';
  }
}

export interface StateStore {
  /** Strongly consistent read of the symbols' heads; absent symbols are missing from the map. */
  load(symbols: readonly string[]): Promise<Map<string, StoredSymbolState>>;
  /**
   * The trade-id sightings of the symbol's committed seen-id log from `state.seenIdsFrom` on
   * (strongly consistent; ids may repeat, the largest ts counts).
   */
  loadSeenIds(state: StoredSymbolState): Promise<SeenIds>;
  /**
   * Appends `newIds` (the sightings of the ticks this commit applied) to the symbol's seen-id log,
   * then writes `next` only if the stored version is still `next.version - 1` (or absent when it
   * is 1). `next.seenIdsTip` is the tip read with the state; the store moves it to the new entry.
   * Log entries of a commit that loses are never counted.
   */
  commit(next: StoredSymbolState, newIds: SeenIds): Promise<void>;
  /** Every symbol's head (for flushes and summaries). */
  scan(): Promise<StoredSymbolState[]>;
}

/** What the aggregation service needs from the per-symbol event-time engine of `shared/domain`. */
export interface SymbolEngine {
  /** Applies one valid tick in arrival order; `processingTime` feeds the idle flush. */
  apply(tick: Tick, processingTime: number): void;
  /** Outputs produced since the last drain. */
  drain(): { closed: Bar[]; late: LateTick[]; duplicates: number };
  /** Current bars of the open windows. */
  forming(): Bar[];
  /** Closes every open window (end of a replay). */
  flush(): void;
  /** Raises the watermark to `w` (never lowers it): a watermark mark from the stream. */
  advanceWatermark(w: number): void;
  /**
   * The watermark processing time gives a symbol quiet for `idleTimeoutMs`, when it would close a
   * bar; else null. The idle flush publishes it to the stream as a mark.
   */
  idleWatermark(now: number, idleTimeoutMs: number): number | null;
  /** Current watermark (event time, epoch ms); null before the first tick. */
  readonly watermark: number | null;
  /** Event time of the newest tick applied (epoch ms); null before the first tick. */
  readonly maxTs: number | null;
  /** Event time from which trade-id sightings still matter (max event time − dedup horizon); null before the first tick. */
  readonly seenIdsFrom: number | null;
  /** The trade ids inside the dedup horizon with the largest ts seen with each. */
  seenIds(): SeenIds;
  /**
   * JSON-serialisable state, bounded whatever the tick rate (no trade ids); `EngineFactory.restore`
   * of it and the engine's sightings behaves identically.
   */
  snapshot(): unknown;
}

export interface EngineFactory {
  create(symbol: string): SymbolEngine;
  /** An engine from a snapshot and the `[id, ts]` sightings since (repeats and expired ones harmless). */
  restore(snapshot: unknown, seenIds: SeenIds): SymbolEngine;
}

/** A late tick with where it came from. */
export interface LateEntry extends LateTick {
  readonly origin: TickOrigin;
}

/** A quarantined record with where it came from. */
export interface QuarantineEntry extends QuarantinedRecord {
  readonly origin: TickOrigin;
}

/** Idempotent sink of closed bars, late ticks and quarantined records, keyed by their identity. */
export interface OutputStore {
  /** Writes all of them in as few round trips as the store allows; rewriting the same outputs is harmless. */
  put(outputs: Outputs): Promise<void>;
}

/** What one `OutputStore.put` writes. */
export interface Outputs {
  readonly bars?: readonly Bar[];
  readonly late?: readonly LateEntry[];
  readonly quarantine?: readonly QuarantineEntry[];
}

/** The serving store (Keyspaces / Cassandra): forming and final bars, newest first. */
export interface ServingSink {
  upsertBars(bars: readonly Bar[], isFinal: boolean): Promise<void>;
}

/** A valid tick with its origin, in arrival order. */
export interface OriginTick {
  readonly tick: Tick;
  readonly origin: TickOrigin;
}

/** A watermark mark read from the stream, with the record it came in. */
export interface OriginMark {
  readonly mark: WatermarkMark;
  readonly origin: TickOrigin;
}

/** What one symbol's records give, in stream order. */
export type SymbolItem = OriginTick | OriginMark;

// ---- The lake: objects, Parquet, and the outputs the materializer turns into files ----

/** The lake bucket seen as keys and bytes. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** Parquet files of the lake's schemas, encoded and decoded by an adapter (`adapters/parquet`). */
export interface ParquetCodec {
  encodeParquet(schema: LakeSchema, data: readonly LakeRow[] | LakeColumns): Uint8Array;
  /** The rows of a file, only `columns` when given. */
  decodeParquet(bytes: Uint8Array, columns?: readonly string[]): Promise<LakeRow[]>;
}

/** The lake as the materializer and the preprocess tasks use it: objects by key, and the Parquet files among them. */
export type ParquetLake = ObjectStore & ParquetCodec;

export type PartitionKind = 'bar' | 'late' | 'quarantine';

/** A lake partition as the outputs name it. */
export interface OutputPartition {
  readonly kind: PartitionKind;
  /** Interval label (bars and late only). */
  readonly interval?: string;
  /** Symbol (bars and late only). */
  readonly symbol?: string;
  /** UTC date, YYYY-MM-DD. */
  readonly date: string;
}

/** A lake partition that changed since it was last materialized. */
export interface DirtyMarker {
  /** Processing date of the marker (UTC, YYYY-MM-DD). */
  readonly date: string;
  readonly partition: OutputPartition;
  /** When the partition last changed (processing time, epoch ms). */
  readonly changedAt: number;
}

/** The outputs as the lake materializer reads them back. */
export interface MaterializableOutputs {
  /** Partitions changed since they were last materialized, from the markers of these processing dates. */
  dirtyPartitions(markerDates: readonly string[]): Promise<DirtyMarker[]>;
  /** Items of one lake partition (their attributes include the lake schema's columns), in key order. */
  readPartition(partition: OutputPartition): Promise<Record<string, unknown>[]>;
  /** Records that a partition was materialized from a read that started at `readStartedAt`. */
  markMaterialized(marker: DirtyMarker, readStartedAt: number): Promise<void>;
  /** Marks these partitions changed now, as a write to them would: the next round rewrites them. */
  markDirty(partitions: readonly OutputPartition[]): Promise<void>;
}

// ---- The bronze layer: staged objects and hourly tick files ----

// Adapters (`shared/adapters/bronze/`) implement them over S3 and Parquet; the writer and the
// compactor only see ticks with their stream origin.

/** One compacted file of the bronze lake: the ticks of one symbol and one UTC hour of `ts`. */
export interface HourFile {
  /** Object key, `ticks/symbol=<S>/date=<YYYY-MM-DD>/part-h<HH>.parquet` (or `part-h<HH>-m<MM>`, see `hourFileOf`); its later parts add `-pNNNN` (`partKey`). */
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

// ---- Market alerts: closed bars read back, alerts sent out ----

/** A symbol's closed bars and late ticks of one interval and UTC date, as the outputs table holds them. */
export interface MarketSeriesSource {
  closedBars(symbol: string, interval: string, date: string): Promise<Bar[]>;
  /** The watermark each late tick met (late partitions are dated by the tick's event time). */
  lateWatermarks(symbol: string, interval: string, date: string): Promise<number[]>;
}

/** Where market alerts go: the alert topic in AWS, `alerts.jsonl` in the local run. */
export interface AlertPublisher {
  publish(alerts: readonly MarketAlert[]): Promise<void>;
}

/**
 * The ids of the market alerts already sent (the outputs table in AWS), so a round that runs again
 * (a retry, the next minute's scan of the same bars) does not send an alert twice.
 */
export interface SentAlertLog {
  /** Those of these ids that were recorded as sent. */
  sent(ids: readonly string[]): Promise<Set<string>>;
  /** Records that the alert was sent; recording it again changes nothing that matters. */
  record(alert: MarketAlert, sentAt: number): Promise<void>;
}

/**
 * The quiet feeds whose current silence was already alerted, as symbol → start of the last bar before
 * the silence (the outputs table in AWS): one small record the market watch reads each round instead of
 * asking the sent-alert log about every silent symbol, which would cost a read per silent symbol per
 * round (docs/market-alerts.md).
 */
export interface QuietFeedIndex {
  read(): Promise<Map<string, number>>;
  /** Replaces the record. */
  write(alerted: ReadonlyMap<string, number>): Promise<void>;
}

/**
 * The idle flush's watermark marks as the bronze consumer read them from the stream, one small object
 * per mark keyed by its stream position (`_marks/symbol=<S>/date=<date of the watermark>/…`), so a
 * retried batch rewrites the same objects. Marks are rare (one per quiet symbol when a bar is due), and
 * a backfill needs them to decide lateness as the stream did (docs/backfill.md).
 */
export interface MarkStore {
  write(mark: OriginMark): Promise<void>;
  /** The marks of one symbol whose watermark falls on this UTC date. */
  read(symbol: string, date: string): Promise<OriginMark[]>;
}
