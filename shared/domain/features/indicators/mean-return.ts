import { InvalidParameterError } from '../errors.js';
import { assertPeriod, rollingSum } from './rolling-sum.js';

/**
 * `mean_return_w[t]` = mean of the last `window` log returns including t. Log returns start at
 * row 1, so the first defined row is `t = window`; earlier rows are NaN (null).
 * `logReturn` is the output of `logReturns` (NaN at row 0).
 */
export function meanReturn(
  logReturn: Float64Array,
  window: number,
  out: Float64Array = new Float64Array(logReturn.length),
): Float64Array {
  rollingSum(logReturn, window, 1, out);
  for (let t = window; t < out.length; t++) out[t] = out[t]! / window;
  return out;
}

/**
 * `meanReturn` for several windows at once, each a multiple of the one before (the contract's
 * 5, 10, 20): the sum over a window of m·w rows is the sum of m window-w sums laid end to end, so
 * every row costs the first window's adds plus m−1 per further window instead of w adds each.
 * Every sum still covers exactly its window's values (no running add/subtract, so no rounding
 * residue of a value that has left the window), only the order of the additions differs.
 * `outs[i]` receives window `windows[i]`.
 *
 * @example nestedMeanReturns(lr, [5, 10, 20], [m5, m10, m20])
 */
export function nestedMeanReturns(
  logReturn: Float64Array,
  windows: readonly number[],
  outs: readonly Float64Array[],
): void {
  windows.forEach((w, i) => {
    assertPeriod('window', w);
    if (i > 0 && w % windows[i - 1]! !== 0) {
      throw new InvalidParameterError('window', w, `a multiple of the previous window ${windows[i - 1]}`);
    }
  });
  const n = logReturn.length;
  // Sums first, all windows (each one is built from the previous window's sums) …
  rollingSum(logReturn, windows[0]!, 1, outs[0]);
  for (let i = 1; i < windows.length; i++) {
    const inner = windows[i - 1]!;
    const w = windows[i]!;
    const parts = w / inner;
    const innerSums = outs[i - 1]!;
    const out = outs[i]!;
    out.fill(Number.NaN, 0, Math.min(w, n));
    for (let t = w; t < n; t++) {
      let sum = innerSums[t]!;
      for (let k = 1; k < parts; k++) sum += innerSums[t - k * inner]!;
      out[t] = sum;
    }
  }
  // … then the means.
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    const out = outs[i]!;
    for (let t = w; t < n; t++) out[t] = out[t]! / w;
  }
}
