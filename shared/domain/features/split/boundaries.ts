import { TRAIN_FRACTION, VALIDATION_END_FRACTION } from '../constants.js';
import { InvalidParameterError } from '../errors.js';

/**
 * The global split (docs/features.md#split): all symbols' rows (after warm-up) sorted by window_start, N of them;
 * b1 = the window_start at position ⌊0.70·N⌋, b2 = at ⌊0.85·N⌋ (0-based). Train is t < b1,
 * val b1 ≤ t < b2, test t ≥ b2 — the same instants for every symbol, so no row of one split is
 * later than a row of the next.
 */
export interface SplitBoundaries {
  readonly totalRows: number;
  readonly trainEnd: number;
  readonly validationEnd: number;
}

/**
 * Where one symbol's kept rows sit in time, enough to count its rows at or before any instant.
 * Either the explicit ascending window starts, or a regular grid (first, step, count) — which is
 * what a symbol's grid is, so the prepare step can compute boundaries from spans alone.
 */
export type RowTimes =
  | { readonly kind: 'times'; readonly windowStarts: ArrayLike<number> }
  | { readonly kind: 'grid'; readonly first: number; readonly stepMs: number; readonly count: number };

/**
 * Computes b1 and b2 over every symbol's rows without materialising or sorting the union: a
 * binary search on the (integer, epoch-ms) instant for the k-th smallest window_start, counting
 * each symbol's rows ≤ t in O(log n). Returns null when there are no rows at all.
 */
export function splitBoundaries(
  symbols: readonly RowTimes[],
  fractions: { train: number; validationEnd: number } = {
    train: TRAIN_FRACTION,
    validationEnd: VALIDATION_END_FRACTION,
  },
): SplitBoundaries | null {
  if (!(fractions.train > 0 && fractions.train <= fractions.validationEnd && fractions.validationEnd < 1)) {
    throw new InvalidParameterError('fractions.train', fractions.train, '0 < train ≤ validationEnd < 1');
  }
  let total = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of symbols) {
    const n = rowCount(s);
    if (n === 0) continue;
    total += n;
    lo = Math.min(lo, timeAt(s, 0));
    hi = Math.max(hi, timeAt(s, n - 1));
  }
  if (total === 0) return null;
  const kth = (k: number) => kthSmallest(symbols, k, lo, hi);
  return {
    totalRows: total,
    trainEnd: kth(Math.floor(fractions.train * total)),
    validationEnd: kth(Math.floor(fractions.validationEnd * total)),
  };
}

/** The window_start at 0-based position k of the merged order: the least t with count(≤ t) > k. */
function kthSmallest(symbols: readonly RowTimes[], k: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    let atOrBefore = 0;
    for (const s of symbols) atOrBefore += countAtOrBefore(s, mid);
    if (atOrBefore > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function rowCount(s: RowTimes): number {
  return s.kind === 'grid' ? s.count : s.windowStarts.length;
}

function timeAt(s: RowTimes, i: number): number {
  return s.kind === 'grid' ? s.first + i * s.stepMs : s.windowStarts[i]!;
}

/** Rows of one symbol with window_start ≤ t. */
export function countAtOrBefore(s: RowTimes, t: number): number {
  if (s.kind === 'grid') {
    if (s.count === 0 || t < s.first) return 0;
    return Math.min(s.count, Math.floor((t - s.first) / s.stepMs) + 1);
  }
  let lo = 0;
  let hi = s.windowStarts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.windowStarts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
