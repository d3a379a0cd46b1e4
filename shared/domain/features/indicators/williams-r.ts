import { ringMask } from './ring.js';
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
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  assertPeriod('period', period);
  const n = close.length;
  out.fill(Number.NaN, 0, Math.min(period - 1, n));
  // Monotonic deques of row indices (highs decreasing, lows increasing) in rings: a deque holds at
  // most period + 1 rows, so a power-of-two ring of that size never overwrites a live entry.
  const mask = ringMask(period + 1);
  const highRows = new Int32Array(mask + 1);
  const lowRows = new Int32Array(mask + 1);
  let highHead = 0;
  let highTail = 0;
  let lowHead = 0;
  let lowTail = 0;
  for (let t = 0; t < n; t++) {
    const h = high[t]!;
    while (highTail > highHead && high[highRows[(highTail - 1) & mask]!]! <= h) highTail--;
    highRows[highTail++ & mask] = t;
    if (highRows[highHead & mask]! <= t - period) highHead++;
    const l = low[t]!;
    while (lowTail > lowHead && low[lowRows[(lowTail - 1) & mask]!]! >= l) lowTail--;
    lowRows[lowTail++ & mask] = t;
    if (lowRows[lowHead & mask]! <= t - period) lowHead++;
    if (t < period - 1) continue;
    const hh = high[highRows[highHead & mask]!]!;
    const ll = low[lowRows[lowHead & mask]!]!;
    const range = hh - ll;
    out[t] = range > 0 ? (-100 * (hh - close[t]!)) / range : Number.NaN;
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
