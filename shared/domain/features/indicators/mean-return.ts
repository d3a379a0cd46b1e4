import { rollingSum } from './rolling-sum.js';

/**
 * `mean_return_w[t]` = mean of the last `window` log returns including t. Log returns start at
 * row 1, so the first defined row is `t = window`; earlier rows are NaN (null).
 * `logReturn` is the output of `logReturns` (NaN at row 0).
 */
export function meanReturn(
  logReturn: Float64Array,
  window: number,
  out = new Float64Array(logReturn.length),
): Float64Array {
  rollingSum(logReturn, window, 1, out);
  for (let t = window; t < out.length; t++) out[t] = out[t]! / window;
  return out;
}
