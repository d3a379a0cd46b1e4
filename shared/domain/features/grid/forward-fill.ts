import type { Bar } from '../../types.js';
import {
  DuplicateWindowError,
  InvalidParameterError,
  MisalignedWindowError,
  MixedSeriesError,
} from '../errors.js';
import { type BarGrid, CLOSE_HISTORY_ROWS } from './bar-grid.js';

/**
 * Lays one symbol's gold bars of one interval on the features grid (docs/features.md#grid): every window_start
 * from the first bar to the last, step `stepMs`. A window without a bar becomes a filled row:
 * open = high = low = close = the previous row's close, volume 0, trade_count 0, vwap null,
 * filled = true. The first row always holds a real bar, so a previous close always exists.
 *
 * `stepMs` is the interval's step between consecutive window starts (the slide for `5m_1m`); a
 * row's window_end is its start plus the bars' window length (5 minutes for `5m_1m`), filled rows
 * included. Bars may come in any order. Throws `MixedSeriesError` when symbols, intervals or window
 * lengths are mixed (or a length is not a multiple of the step),
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
  const stepsPerWindow = sorted.length === 0 ? 1 : (sorted[0]!.windowEnd - sorted[0]!.windowStart) / stepMs;

  const grid = allocate(symbol, interval, stepMs, length, stepsPerWindow);
  const { windowStart, open, high, low, close, volume, vwap, tradeCount, filled } = grid;
  let barIndex = 0;
  for (let i = 0; i < length; i++) {
    const t = first + i * stepMs;
    windowStart[i] = t;
    const bar = sorted[barIndex];
    if (bar !== undefined && bar.windowStart === t) {
      open[i] = bar.open;
      high[i] = bar.high;
      low[i] = bar.low;
      close[i] = bar.close;
      volume[i] = bar.volume;
      vwap[i] = bar.vwap ?? Number.NaN;
      tradeCount[i] = bar.tradeCount;
      barIndex++;
    } else {
      // No bar for this window: a flat bar at the previous close (volume and trade_count stay 0).
      const previousClose = close[i - 1]!;
      open[i] = previousClose;
      high[i] = previousClose;
      low[i] = previousClose;
      close[i] = previousClose;
      vwap[i] = Number.NaN;
      filled[i] = 1;
    }
  }
  // windowEnd is windowStart shifted by the window's length in rows: its tail runs past the grid.
  const times = new Float64Array(
    grid.windowStart.buffer,
    grid.windowStart.byteOffset,
    length + stepsPerWindow,
  );
  for (let i = length; i < times.length; i++) times[i] = first + i * stepMs;
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
  const width = sorted.length === 0 ? stepMs : sorted[0]!.windowEnd - sorted[0]!.windowStart;
  if (!(width > 0 && width % stepMs === 0)) {
    throw new MixedSeriesError('window length', `a multiple of the step ${stepMs} ms`, `${width} ms`);
  }
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
    if (bar.windowEnd - bar.windowStart !== width) {
      throw new MixedSeriesError('window length', `${width} ms`, `${bar.windowEnd - bar.windowStart} ms`);
    }
  }
  return sorted;
}

/** Gold bars usually arrive in time order: checking is O(n), sorting a million objects is not. */
function isAscending(bars: readonly Bar[]): boolean {
  for (let i = 1; i < bars.length; i++) if (bars[i]!.windowStart < bars[i - 1]!.windowStart) return false;
  return true;
}

/**
 * Every column of the grid in one allocation (fewer, larger backing stores: each one counts towards
 * V8's external-memory budget, whose overrun forces a full GC). `windowEnd` is `windowStart` shifted
 * by `stepsPerWindow` rows — on a regular grid the end of row i is the start of row i + size/step
 * (i + 1 for a tumbling interval) — and `close` is preceded by `CLOSE_HISTORY_ROWS` NaN slots, so
 * close lags can be views of it (see `closeLagView`).
 */
function allocate(
  symbol: string,
  interval: string,
  stepMs: number,
  length: number,
  stepsPerWindow: number,
): BarGrid {
  const f64 = Float64Array.BYTES_PER_ELEMENT;
  const times = length + stepsPerWindow;
  const closeSlots = CLOSE_HISTORY_ROWS + length;
  const buffer = new ArrayBuffer((times + closeSlots + 6 * length) * f64 + length);
  let offset = 0;
  const take = (count: number): Float64Array => {
    const column = new Float64Array(buffer, offset, count);
    offset += count * f64;
    return column;
  };
  const time = take(times);
  const closeWithHistory = take(closeSlots).fill(Number.NaN, 0, CLOSE_HISTORY_ROWS);
  return {
    symbol,
    interval,
    stepMs,
    length,
    windowStart: time.subarray(0, length),
    windowEnd: time.subarray(stepsPerWindow, times),
    open: take(length),
    high: take(length),
    low: take(length),
    close: closeWithHistory.subarray(CLOSE_HISTORY_ROWS),
    volume: take(length),
    vwap: take(length),
    tradeCount: take(length),
    filled: new Uint8Array(buffer, offset, length),
  };
}
