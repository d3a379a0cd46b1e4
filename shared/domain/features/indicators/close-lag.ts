import { assertPeriod } from './rolling-sum.js';

/** `close_lag_k[t] = close[t−k]`; the first k rows have no such close and are NaN (null). */
export function closeLag(
  close: Float64Array,
  lag: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  assertPeriod('lag', lag);
  const n = close.length;
  out.fill(Number.NaN, 0, Math.min(lag, n));
  if (n > lag) out.set(close.subarray(0, n - lag), lag);
  return out;
}

/**
 * `closeLag(close, lag)` without a copy when it can: if the `lag` slots in front of `close` in its
 * buffer are NaN (a grid from `buildBarGrid` keeps `CLOSE_HISTORY_ROWS` of them), the lag column is
 * that buffer shifted by `lag` rows — a view sharing memory with `close`. Otherwise a copy.
 * Either way its values are exactly `closeLag(close, lag)`'s.
 */
export function closeLagView(close: Float64Array, lag: number): Float64Array {
  assertPeriod('lag', lag);
  const bytes = lag * Float64Array.BYTES_PER_ELEMENT;
  if (close.byteOffset < bytes) return closeLag(close, lag);
  const shifted = new Float64Array(close.buffer, close.byteOffset - bytes, close.length);
  for (let k = 0; k < Math.min(lag, close.length); k++) {
    if (!Number.isNaN(shifted[k]!)) return closeLag(close, lag);
  }
  return shifted;
}
