/**
 * `log_return[t] = ln(close[t] / close[t−1])`; row 0 has no previous close and is NaN (null).
 * A filled row repeats the previous close, so its log return is exactly 0.
 */
export function logReturns(close: Float64Array, out = new Float64Array(close.length)): Float64Array {
  if (close.length > 0) out[0] = Number.NaN;
  for (let t = 1; t < close.length; t++) out[t] = Math.log(close[t]! / close[t - 1]!);
  return out;
}
