import type { SplitBoundaries } from './boundaries.js';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

/** Row ranges `[start, end)` of one symbol's kept rows that fall in each split. */
export type SplitRanges = Readonly<Record<SplitName, { readonly start: number; readonly end: number }>>;

/**
 * Cuts one symbol's ascending window starts at the global boundaries: train t < b1,
 * val b1 ≤ t < b2, test t ≥ b2. Ranges are contiguous because the rows are in time order.
 */
export function splitRanges(windowStarts: ArrayLike<number>, boundaries: SplitBoundaries): SplitRanges {
  const trainEnd = countBefore(windowStarts, boundaries.trainEnd);
  const validationEnd = countBefore(windowStarts, boundaries.validationEnd);
  return {
    train: { start: 0, end: trainEnd },
    val: { start: trainEnd, end: validationEnd },
    test: { start: validationEnd, end: windowStarts.length },
  };
}

/** The split of one instant. */
export function splitOf(windowStart: number, boundaries: SplitBoundaries): SplitName {
  if (windowStart < boundaries.trainEnd) return 'train';
  return windowStart < boundaries.validationEnd ? 'val' : 'test';
}

/** Rows with window_start < t in an ascending series. */
function countBefore(windowStarts: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = windowStarts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windowStarts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
