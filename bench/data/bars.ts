import type { Bar } from '../../shared/domain/types.js';
import { createRandom } from '../../shared/random.js';

export interface BarWorkloadOptions {
  readonly symbols: number;
  readonly barsPerSymbol: number;
  readonly seed: number;
  /** Fraction of grid windows with no bar (the features grid forward-fills them). @default 0.01 */
  readonly gapFraction?: number;
}

/** 1-minute bars start here (UTC), like the simulator's ticks. */
export const BARS_START = Date.UTC(2024, 0, 2);
export const MINUTE_MS = 60_000;

/**
 * Gold 1m bars per symbol, seeded: a geometric Brownian close (σ ≈ 0.1% a minute), open at the
 * previous close, high/low around them, log-normal volume, vwap inside [low, high], and about
 * `gapFraction` of the windows missing. Returns one ascending array per symbol.
 */
export function simulateBars(options: BarWorkloadOptions): Bar[][] {
  const rng = createRandom(options.seed);
  const gap = options.gapFraction ?? 0.01;
  const series: Bar[][] = [];
  for (let s = 0; s < options.symbols; s++) {
    const symbol = `SYM${String(s).padStart(3, '0')}`;
    let close = 20 + rng.next() * 500;
    let windowStart = BARS_START;
    const bars: Bar[] = [];
    while (bars.length < options.barsPerSymbol) {
      const open = close;
      close = open * Math.exp(0.001 * rng.normal());
      const high = Math.max(open, close) * (1 + 0.0005 * Math.abs(rng.normal()));
      const low = Math.min(open, close) * (1 - 0.0005 * Math.abs(rng.normal()));
      const volume = Math.round(1000 * Math.exp(rng.normal())) / 10;
      bars.push({
        symbol,
        interval: '1m',
        windowStart,
        windowEnd: windowStart + MINUTE_MS,
        open,
        high,
        low,
        close,
        volume,
        vwap: volume === 0 ? null : low + (high - low) * rng.next(),
        tradeCount: 1 + rng.int(200),
      });
      windowStart += MINUTE_MS;
      while (rng.chance(gap)) windowStart += MINUTE_MS;
    }
    series.push(bars);
  }
  return series;
}
