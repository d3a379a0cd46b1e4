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
  /** JSON-serialisable state; `EngineFactory.restore` of it behaves identically. */
  snapshot(): unknown;
}

export interface EngineFactory {
  create(symbol: string): SymbolEngine;
  restore(snapshot: unknown): SymbolEngine;
}
