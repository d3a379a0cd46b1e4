import type { SeenIds } from '../domain/index.js';
import type { Bar, LateTick, Tick } from '../domain/types.js';

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
