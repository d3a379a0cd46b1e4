import { assertPeriod } from './rolling-sum.js';

/**
 * Wilder's relative strength index (TA_RSI's smoothing). The first average gain and loss are the
 * means of the gains and losses of the first `period` changes (rows 1…period), so the first
 * defined row is `t = period`; earlier rows are NaN (null). Then `avg = (avg·(period−1) + x)/period`.
 * RSI = 100·gain/(gain+loss) = 100 − 100/(1 + gain/loss). Average loss 0 gives 100, and both
 * averages 0 (a flat stretch) give 50 — TA-Lib returns 0 there; docs/features.md keeps the usual 50.
 */
export function rsi(
  close: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  assertPeriod('period', period);
  const n = close.length;
  out.fill(Number.NaN, 0, Math.min(period, n));
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let t = 1; t <= period; t++) {
    const change = close[t]! - close[t - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  out[period] = strength(gain, loss);
  for (let t = period + 1; t < n; t++) {
    const change = close[t]! - close[t - 1]!;
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + (change < 0 ? -change : 0)) / period;
    out[t] = strength(gain, loss);
  }
  return out;
}

function strength(gain: number, loss: number): number {
  const total = gain + loss;
  return total === 0 ? 50 : (100 * gain) / total;
}
