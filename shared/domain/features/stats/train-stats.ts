import type { FeatureName } from '../constants.js';
import type { FeatureFrame } from '../feature-frame.js';

/** Mean and sample standard deviation of one feature over a symbol's train rows. */
export interface FeatureStat {
  /** Non-null values used. */
  readonly count: number;
  /** null when count is 0. */
  readonly mean: number | null;
  /** Sample std (divisor count − 1); null when count < 2. */
  readonly std: number | null;
}

export type FeatureStats = Readonly<Record<FeatureName, FeatureStat>>;

/**
 * Per-feature mean and sample std over rows `[0, trainEnd)` of a symbol's kept frame — the train
 * rows only, so normalising val/test with them leaks nothing. Nulls (NaN) are skipped.
 * Two passes (mean, then centred squares with the rounding correction), so the result is sound
 * for price-level features such as ema_12 or close_lag_1.
 */
export function trainStats(frame: FeatureFrame, trainEnd: number): FeatureStats {
  const end = Math.max(0, Math.min(trainEnd, frame.grid.length));
  const stats = {} as Record<FeatureName, FeatureStat>;
  for (const [name, column] of Object.entries(frame.features) as [FeatureName, Float64Array][]) {
    stats[name] = columnStat(column, end);
  }
  return stats;
}

/** Mean and sample std of the non-NaN values among the first `end` entries of a column. */
export function columnStat(column: Float64Array, end: number): FeatureStat {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < end; i++) {
    const x = column[i]!;
    if (Number.isNaN(x)) continue;
    count++;
    sum += x;
  }
  if (count === 0) return { count, mean: null, std: null };
  const mean = sum / count;
  if (count < 2) return { count, mean, std: null };
  let sumSq = 0;
  let sumDev = 0;
  for (let i = 0; i < end; i++) {
    const x = column[i]!;
    if (Number.isNaN(x)) continue;
    const d = x - mean;
    sumDev += d;
    sumSq += d * d;
  }
  const m2 = Math.max(0, sumSq - (sumDev * sumDev) / count);
  return { count, mean, std: Math.sqrt(m2 / (count - 1)) };
}
