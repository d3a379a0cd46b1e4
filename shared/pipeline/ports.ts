import type { SeenIds } from '../domain/index.js';
import type { Bar, LateTick, QuarantinedRecord, Tick, TickOrigin } from '../domain/types.js';
import type { WatermarkMark } from '../domain/watermark-mark.js';

/**
 * The ports the aggregation service writes through. Adapters (DynamoDB, S3, Cassandra) implement them;
 * tests and the local run plug the same adapters in against the emulators.
 */

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
  put(outputs: {
    bars?: readonly Bar[];
    late?: readonly LateEntry[];
    quarantine?: readonly QuarantineEntry[];
  }): Promise<void>;
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

/** The lake bucket seen as keys and bytes. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}
