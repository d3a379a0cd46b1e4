import { validateTick } from '../../shared/domain/index.js';
import type { Tick } from '../../shared/domain/types.js';
import { MarketSimulator } from '../../shared/producer/simulator.js';
import { BenchWorkloadError } from '../harness/errors.js';

/** The shape of the simulated tick stream every stream benchmark uses. */
export interface TickWorkloadOptions {
  readonly ticks: number;
  readonly seed: number;
  /** @default 20 */
  readonly symbols?: number;
}

/** Event-time rate over all symbols: 1,000,000 ticks span about 5.6 hours. */
export const TICKS_PER_SECOND = 50;
/** 2% of ticks arrive up to 30 s behind later ones: out of order, but well inside the 10-minute lateness. */
export const OUT_OF_ORDER = { fraction: 0.02, maxDelayMs: 30_000 } as const;

/**
 * Valid ticks in arrival order from the project's market simulator: geometric Brownian motion per
 * symbol, Zipf-skewed activity (the busiest symbol gets ~28% of ticks), trade ids, and some
 * out-of-order arrivals; no duplicates and no ticks beyond the allowed lateness.
 */
export function simulateTicks(options: TickWorkloadOptions): Tick[] {
  const simulator = new MarketSimulator({
    symbols: options.symbols ?? 20,
    ticks: options.ticks,
    seed: options.seed,
    ticksPerSecond: TICKS_PER_SECOND,
    outOfOrder: OUT_OF_ORDER,
  });
  const ticks: Tick[] = [];
  for (const record of simulator.records()) {
    const validation = validateTick(record.payload);
    if (!validation.ok)
      throw new BenchWorkloadError('workload', `simulator emitted an invalid tick: ${validation.reason}`);
    ticks.push(validation.tick);
  }
  return ticks;
}
