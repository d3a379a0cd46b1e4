import type { FeatureFrame } from '../feature-frame.js';
import { SPLITS, type SplitName, splitRanges } from '../split/assign.js';
import type { SplitBoundaries } from '../split/boundaries.js';
import type { WarmedFrame } from '../split/warmup.js';
import { type FeatureStats, trainStats } from '../stats/train-stats.js';

/** What one symbol's features task reports to the finalize step: counts and train statistics. */
export interface SymbolSummary {
  readonly symbol: string;
  /** Rows of the full grid (real + filled), before the warm-up drop. */
  readonly gridRows: number;
  /** First and last window_start of the full grid (epoch ms); null for an empty grid. */
  readonly firstWindowStart: number | null;
  readonly lastWindowStart: number | null;
  readonly warmupRows: number;
  readonly rows: Readonly<Record<SplitName, number>>;
  /** Filled rows among the warm-up rows and in each split. */
  readonly filledRows: Readonly<Record<'warmup' | SplitName, number>>;
  /** Mean and sample std of every feature over this symbol's train rows. */
  readonly stats: FeatureStats;
}

/**
 * Summarises one symbol after its warm-up drop, cut at the global boundaries. With no boundaries
 * (no rows anywhere) every kept row counts as nothing and the stats are empty-count.
 */
export function summarizeSymbol(
  fullGridFirst: { first: number | null; last: number | null },
  warmed: WarmedFrame,
  boundaries: SplitBoundaries | null,
): SymbolSummary {
  const kept: FeatureFrame = warmed.frame;
  const n = kept.grid.length;
  const ranges = boundaries
    ? splitRanges(kept.grid.windowStart, boundaries)
    : { train: { start: 0, end: 0 }, val: { start: 0, end: 0 }, test: { start: 0, end: 0 } };
  const rows = {} as Record<SplitName, number>;
  const filledRows = { warmup: warmed.warmupFilledRows } as Record<'warmup' | SplitName, number>;
  for (const split of SPLITS) {
    const { start, end } = ranges[split];
    rows[split] = end - start;
    let filled = 0;
    for (let i = start; i < end; i++) filled += kept.grid.filled[i]!;
    filledRows[split] = filled;
  }
  return {
    symbol: kept.grid.symbol,
    gridRows: warmed.warmupRows + n,
    firstWindowStart: fullGridFirst.first,
    lastWindowStart: fullGridFirst.last,
    warmupRows: warmed.warmupRows,
    rows,
    filledRows,
    stats: trainStats(kept, ranges.train.end),
  };
}
