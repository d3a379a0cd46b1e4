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
  /** Advances the watermark by processing time when the symbol has been quiet for `idleTimeoutMs`. */
  advanceIdle(now: number, idleTimeoutMs: number): void;
  /** Current watermark (event time, epoch ms); null before the first tick. */
  readonly watermark: number | null;
  /** JSON-serialisable state; `EngineFactory.restore` of it behaves identically. */
  snapshot(): unknown;
}

export interface EngineFactory {
  create(symbol: string): SymbolEngine;
  restore(snapshot: unknown): SymbolEngine;
}
