import type { Bar } from '../types.js';
import { WARMUP_ROWS } from './constants.js';
import { computeFeatures, type FeatureFrame } from './feature-frame.js';
import { buildBarGrid } from './grid/forward-fill.js';
import { type SymbolSummary, summarizeSymbol } from './manifest/symbol-summary.js';
import { type SplitRanges, splitRanges } from './split/assign.js';
import type { RowTimes, SplitBoundaries } from './split/boundaries.js';
import { dropWarmup } from './split/warmup.js';

/** The per-symbol features task's result: kept rows, where each split sits in them, and the summary. */
export interface SymbolFeatures {
  /** The frame after the warm-up drop (views over the full grid's columns). */
  readonly frame: FeatureFrame;
  /** Row ranges of `frame` per split; all empty when `boundaries` is null. */
  readonly ranges: SplitRanges;
  readonly summary: SymbolSummary;
}

/**
 * Grid → features → warm-up drop → split at the global boundaries → summary, for one symbol's
 * gold bars of one interval. The boundaries come from the prepare step (`splitBoundaries` over
 * every symbol's `keptRowTimes`), so every symbol is cut at the same instants.
 */
export function engineerSymbolFeatures(
  bars: readonly Bar[],
  options: { stepMs: number; boundaries: SplitBoundaries | null; warmupRows?: number },
): SymbolFeatures {
  const grid = buildBarGrid(bars, options.stepMs);
  const warmed = dropWarmup(computeFeatures(grid), options.warmupRows ?? WARMUP_ROWS);
  const span =
    grid.length === 0
      ? { first: null, last: null }
      : { first: grid.windowStart[0]!, last: grid.windowStart[grid.length - 1]! };
  const ranges = options.boundaries
    ? splitRanges(warmed.frame.grid.windowStart, options.boundaries)
    : { train: { start: 0, end: 0 }, val: { start: 0, end: 0 }, test: { start: 0, end: 0 } };
  return { frame: warmed.frame, ranges, summary: summarizeSymbol(span, warmed, options.boundaries) };
}

/**
 * The window starts a symbol keeps after its warm-up, from its first and last bar alone: the grid
 * is regular, so the prepare step needs no bars to compute the global split.
 */
export function keptRowTimes(
  span: { first: number; last: number },
  stepMs: number,
  warmupRows = WARMUP_ROWS,
): RowTimes {
  const gridRows = Math.floor((span.last - span.first) / stepMs) + 1;
  return {
    kind: 'grid',
    first: span.first + warmupRows * stepMs,
    stepMs,
    count: Math.max(0, gridRows - warmupRows),
  };
}
