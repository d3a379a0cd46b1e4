/**
 * `log_return[t] = ln(close[t] / close[t−1])`; row 0 has no previous close and is NaN (null).
 * A filled row repeats the previous close, so its log return is exactly 0.
 */
export function logReturns(
  close: Float64Array,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  if (close.length > 0) out[0] = Number.NaN;
  let previous = close[0]!;
  for (let t = 1; t < close.length; t++) {
    const current = close[t]!;
    // An unchanged close (every filled row) is exactly 0 without a logarithm.
    out[t] = current === previous ? 0 : Math.log(current / previous);
    previous = current;
  }
  return out;
}
