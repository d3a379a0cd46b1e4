import { assertPeriod } from './rolling-sum.js';

/** `close_lag_k[t] = close[t−k]`; the first k rows have no such close and are NaN (null). */
export function closeLag(
  close: Float64Array,
  lag: number,
  out = new Float64Array(close.length),
): Float64Array {
  assertPeriod('lag', lag);
  const n = close.length;
  out.fill(Number.NaN, 0, Math.min(lag, n));
  for (let t = lag; t < n; t++) out[t] = close[t - lag]!;
  return out;
}
