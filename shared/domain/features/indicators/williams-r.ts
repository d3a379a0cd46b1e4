import { assertPeriod } from './rolling-sum.js';

/**
 * Williams %R (TA_WILLR): `−100·(HH − close)/(HH − LL)` with HH, LL the highest high and lowest low
 * of the last `period` rows including t. First defined row is `t = period−1`; earlier rows are NaN.
 * A window with HH = LL (a flat stretch) is NaN (null) — TA-Lib returns 0 there.
 */
export function williamsR(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  out = new Float64Array(close.length),
): Float64Array {
  assertPeriod('period', period);
  const n = close.length;
  const hh = rollingExtreme(high, period, 1);
  const ll = rollingExtreme(low, period, -1);
  out.fill(Number.NaN, 0, Math.min(period - 1, n));
  for (let t = period - 1; t < n; t++) {
    const range = hh[t]! - ll[t]!;
    out[t] = range > 0 ? (-100 * (hh[t]! - close[t]!)) / range : Number.NaN;
  }
  return out;
}

/**
 * Max (`direction` 1) or min (−1) of rows (t−period, t] for every t, in O(n) with a monotonic
 * deque of row indices: the cost per row does not grow with the period.
 */
export function rollingExtreme(values: Float64Array, period: number, direction: 1 | -1): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let t = 0; t < n; t++) {
    const x = values[t]! * direction;
    while (tail > head && values[deque[tail - 1]!]! * direction <= x) tail--;
    deque[tail++] = t;
    if (deque[head]! <= t - period) head++;
    out[t] = values[deque[head]!]!;
  }
  return out;
}
