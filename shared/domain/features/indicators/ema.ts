import { assertPeriod } from './rolling-sum.js';

/**
 * Exponential moving average of closes, TA-Lib's default (TA_EMA, classic compatibility):
 * α = 2/(period+1), seeded at row period−1 with the simple mean of the first `period` closes,
 * then `ema[t] = ema[t−1] + α·(close[t] − ema[t−1])`. Rows before period−1 are NaN (null).
 */
export function ema(
  close: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  assertPeriod('period', period);
  const n = close.length;
  const seedRow = period - 1;
  out.fill(Number.NaN, 0, Math.min(seedRow, n));
  if (n <= seedRow) return out;
  let sum = 0;
  for (let t = 0; t <= seedRow; t++) sum += close[t]!;
  let value = sum / period;
  out[seedRow] = value;
  const alpha = 2 / (period + 1);
  for (let t = seedRow + 1; t < n; t++) {
    value += alpha * (close[t]! - value);
    out[t] = value;
  }
  return out;
}
