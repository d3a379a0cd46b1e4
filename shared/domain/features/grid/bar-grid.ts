import { CLOSE_LAGS } from '../constants.js';

/**
 * NaN slots that `buildBarGrid` keeps in front of a grid's `close` column (same buffer), so every
 * close lag of the contract is a view of it instead of a copy.
 */
export const CLOSE_HISTORY_ROWS = Math.max(...CLOSE_LAGS);

/**
 * One symbol's bars of one interval laid on a regular time grid, as columns.
 * Columns are typed arrays so indicators run as tight loops; a row index is the same in every column.
 * A null in the contract is NaN in a Float64Array column (prices are finite and > 0, so NaN never
 * means anything else).
 */
export interface BarGrid {
  readonly symbol: string;
  readonly interval: string;
  readonly stepMs: number;
  readonly length: number;
  /** Epoch ms, ascending, `windowStart[i] = windowStart[0] + i·stepMs`. */
  readonly windowStart: Float64Array;
  readonly windowEnd: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** NaN where the bar's vwap is null (volume 0, or a filled row). */
  readonly vwap: Float64Array;
  readonly tradeCount: Float64Array;
  /** 1 where the row was forward-filled because no bar existed for that window. */
  readonly filled: Uint8Array;
}

/** Rows `[start, end)` of a grid, sharing memory with it (typed-array views, no copy). */
export function sliceGrid(grid: BarGrid, start: number, end: number): BarGrid {
  const from = Math.max(0, Math.min(start, grid.length));
  const to = Math.max(from, Math.min(end, grid.length));
  return {
    symbol: grid.symbol,
    interval: grid.interval,
    stepMs: grid.stepMs,
    length: to - from,
    windowStart: grid.windowStart.subarray(from, to),
    windowEnd: grid.windowEnd.subarray(from, to),
    open: grid.open.subarray(from, to),
    high: grid.high.subarray(from, to),
    low: grid.low.subarray(from, to),
    close: grid.close.subarray(from, to),
    volume: grid.volume.subarray(from, to),
    vwap: grid.vwap.subarray(from, to),
    tradeCount: grid.tradeCount.subarray(from, to),
    filled: grid.filled.subarray(from, to),
  };
}

/** Number of forward-filled rows in a grid. */
export function countFilled(grid: BarGrid): number {
  let n = 0;
  for (let i = 0; i < grid.length; i++) n += grid.filled[i]!;
  return n;
}
