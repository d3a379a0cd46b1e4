import { InvalidParameterError } from '../errors.js';

/**
 * Sum of the last `window` values ending at each row, for rows `t ≥ firstRow + window − 1`;
 * earlier rows are NaN. `firstRow` is the first row whose value is defined (1 for a series of
 * log returns). Each window is summed afresh (O(window) per row, cheap for the short windows of
 * the contract), so a large value that has left the window leaves no rounding residue behind —
 * a running add/subtract sum would carry ε·|that value| into every later, calmer window.
 */
export function rollingSum(
  values: Float64Array,
  window: number,
  firstRow = 0,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod('window', window);
  const n = values.length;
  const firstOut = firstRow + window - 1;
  out.fill(Number.NaN, 0, Math.min(firstOut, n));
  for (let t = firstOut; t < n; t++) {
    let even = 0;
    let odd = 0;
    let k = t - window + 1;
    for (; k < t; k += 2) {
      even += values[k]!;
      odd += values[k + 1]!;
    }
    if (k === t) even += values[k]!;
    out[t] = even + odd;
  }
  return out;
}

/** Throws unless `value` is an integer ≥ `min` (a window length or an indicator period). */
export function assertPeriod(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidParameterError(name, value, `an integer ≥ ${min}`);
  }
}
