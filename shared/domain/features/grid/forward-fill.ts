import type { Bar } from '../../types.js';
import {
  DuplicateWindowError,
  InvalidParameterError,
  MisalignedWindowError,
  MixedSeriesError,
} from '../errors.js';
import type { BarGrid } from './bar-grid.js';

/**
 * Lays one symbol's gold bars of one interval on the features grid (BRIEF §4): every window_start
 * from the first bar to the last, step `stepMs`. A window without a bar becomes a filled row:
 * open = high = low = close = the previous row's close, volume 0, trade_count 0, vwap null,
 * filled = true. The first row always holds a real bar, so a previous close always exists.
 *
 * `stepMs` is the interval's step between consecutive window starts (the slide for `5m_1m`).
 * Bars may come in any order. Throws `MixedSeriesError` when symbols or intervals are mixed,
 * `DuplicateWindowError` for two bars of one window, `MisalignedWindowError` for a window_start off
 * the grid. No bars gives an empty grid (symbol and interval empty unless given).
 *
 * @example buildBarGrid(bars, 60_000) // 1m bars at 00:00 and 00:03 → 4 rows, 2 of them filled
 */
export function buildBarGrid(
  bars: readonly Bar[],
  stepMs: number,
  series: { symbol?: string; interval?: string } = {},
): BarGrid {
  if (!Number.isSafeInteger(stepMs) || stepMs <= 0) {
    throw new InvalidParameterError('stepMs', stepMs, 'a positive integer number of milliseconds');
  }
  const symbol = series.symbol ?? bars[0]?.symbol ?? '';
  const interval = series.interval ?? bars[0]?.interval ?? '';
  const sorted = checkedSorted(bars, symbol, interval, stepMs);
  const first = sorted[0]?.windowStart ?? 0;
  const last = sorted[sorted.length - 1]?.windowStart ?? first - stepMs;
  const length = (last - first) / stepMs + 1;

  const grid = allocate(symbol, interval, stepMs, length);
  let barIndex = 0;
  for (let i = 0; i < length; i++) {
    const t = first + i * stepMs;
    grid.windowStart[i] = t;
    grid.windowEnd[i] = t + stepMs;
    const bar = sorted[barIndex];
    if (bar !== undefined && bar.windowStart === t) {
      copyBar(grid, i, bar);
      barIndex++;
    } else {
      fillFromPrevious(grid, i);
    }
  }
  return grid;
}

function checkedSorted(
  bars: readonly Bar[],
  symbol: string,
  interval: string,
  stepMs: number,
): readonly Bar[] {
  const sorted = isAscending(bars) ? bars : [...bars].sort((a, b) => a.windowStart - b.windowStart);
  const gridStart = sorted[0]?.windowStart ?? 0;
  for (let i = 0; i < sorted.length; i++) {
    const bar = sorted[i]!;
    if (bar.symbol !== symbol) throw new MixedSeriesError('symbol', symbol, bar.symbol);
    if (bar.interval !== interval) throw new MixedSeriesError('interval', interval, bar.interval);
    if (i > 0 && sorted[i - 1]!.windowStart === bar.windowStart) {
      throw new DuplicateWindowError(symbol, bar.windowStart);
    }
    if ((bar.windowStart - gridStart) % stepMs !== 0) {
      throw new MisalignedWindowError(symbol, bar.windowStart, gridStart, stepMs);
    }
  }
  return sorted;
}

/** Gold bars usually arrive in time order: checking is O(n), sorting a million objects is not. */
function isAscending(bars: readonly Bar[]): boolean {
  for (let i = 1; i < bars.length; i++) if (bars[i]!.windowStart < bars[i - 1]!.windowStart) return false;
  return true;
}

function allocate(symbol: string, interval: string, stepMs: number, length: number): BarGrid {
  return {
    symbol,
    interval,
    stepMs,
    length,
    windowStart: new Float64Array(length),
    windowEnd: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    vwap: new Float64Array(length),
    tradeCount: new Float64Array(length),
    filled: new Uint8Array(length),
  };
}

function copyBar(grid: BarGrid, i: number, bar: Bar): void {
  grid.open[i] = bar.open;
  grid.high[i] = bar.high;
  grid.low[i] = bar.low;
  grid.close[i] = bar.close;
  grid.volume[i] = bar.volume;
  grid.vwap[i] = bar.vwap ?? Number.NaN;
  grid.tradeCount[i] = bar.tradeCount;
}

function fillFromPrevious(grid: BarGrid, i: number): void {
  const previousClose = grid.close[i - 1]!;
  grid.open[i] = previousClose;
  grid.high[i] = previousClose;
  grid.low[i] = previousClose;
  grid.close[i] = previousClose;
  grid.volume[i] = 0;
  grid.vwap[i] = Number.NaN;
  grid.tradeCount[i] = 0;
  grid.filled[i] = 1;
}
