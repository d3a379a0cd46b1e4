import type { Bar } from '../../../shared/domain/types.js';

/** A 1m bar of `symbol` at minute `minute` with the given close (open/high/low around it). */
export function barAt(symbol: string, minute: number, close: number, stepMs = 60_000): Bar {
  const windowStart = minute * stepMs;
  return {
    symbol,
    interval: '1m',
    windowStart,
    windowEnd: windowStart + stepMs,
    open: close * 0.999,
    high: close * 1.002,
    low: close * 0.997,
    close,
    volume: 2,
    vwap: close,
    tradeCount: 3,
  };
}
