import {
  CLOSE_LAGS,
  EMA_PERIODS,
  type FeatureName,
  MEAN_RETURN_WINDOWS,
  RSI_PERIOD,
  ULTIMATE_OSCILLATOR_PERIODS,
  VOLATILITY_WINDOWS,
  WILLIAMS_R_PERIOD,
} from './constants.js';
import { type BarGrid, sliceGrid } from './grid/bar-grid.js';
import { closeLagView } from './indicators/close-lag.js';
import { ema } from './indicators/ema.js';
import { logReturns } from './indicators/log-return.js';
import { nestedMeanReturns } from './indicators/mean-return.js';
import { priceShape } from './indicators/price-shape.js';
import { rsi } from './indicators/rsi.js';
import { ultimateOscillator } from './indicators/ultimate-oscillator.js';
import { rollingVolatility } from './indicators/volatility.js';
import { williamsR } from './indicators/williams-r.js';

/** A symbol's grid with every feature of docs/features.md as a column (NaN = null), row-aligned with the grid. */
export interface FeatureFrame {
  readonly grid: BarGrid;
  readonly features: Readonly<Record<FeatureName, Float64Array>>;
}

/** The features computed into fresh memory (the close lags are views of the grid's close column). */
const COMPUTED_COLUMNS = 15;

/**
 * Computes every feature of the contract over a whole grid, in vectorised passes over its
 * columns. Row t only ever looks at rows ≤ t. Warm-up rows (not yet defined) are NaN; with the
 * default periods every feature is defined from row 60 on, except the degenerate nulls
 * (williams_r_14 when HH = LL, ultimate_oscillator when a ΣTR is 0).
 *
 * The computed columns share one allocation and the close lags are views of the grid's `close`
 * when it carries NaN history slots (as `buildBarGrid`'s does): every byte of backing store
 * counts towards V8's external-memory budget, and each overrun costs a full GC of the whole heap.
 */
export function computeFeatures(grid: BarGrid): FeatureFrame {
  const { open, high, low, close } = grid;
  const n = grid.length;
  const buffer = new ArrayBuffer(COMPUTED_COLUMNS * n * Float64Array.BYTES_PER_ELEMENT);
  let next = 0;
  const column = (): Float64Array => new Float64Array(buffer, n * Float64Array.BYTES_PER_ELEMENT * next++, n);

  const logReturn = logReturns(close, column());
  const shape = priceShape(open, high, low, close, {
    spread: column(),
    change: column(),
    logRange: column(),
  });
  const [v10, v30, v60] = VOLATILITY_WINDOWS.map((w) => rollingVolatility(logReturn, w, column())) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const means = MEAN_RETURN_WINDOWS.map(() => column()) as [Float64Array, Float64Array, Float64Array];
  nestedMeanReturns(logReturn, MEAN_RETURN_WINDOWS, means);
  const [m5, m10, m20] = means;
  const [ema12, ema26] = EMA_PERIODS.map((p) => ema(close, p, column())) as [Float64Array, Float64Array];
  const [lag1, lag2, lag3, lag4, lag5] = CLOSE_LAGS.map((k) => closeLagView(close, k)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return {
    grid,
    features: {
      log_return: logReturn,
      volatility_10: v10,
      volatility_30: v30,
      volatility_60: v60,
      mean_return_5: m5,
      mean_return_10: m10,
      mean_return_20: m20,
      spread: shape.spread,
      change: shape.change,
      log_range: shape.logRange,
      ema_12: ema12,
      ema_26: ema26,
      rsi_14: rsi(close, RSI_PERIOD, column()),
      williams_r_14: williamsR(high, low, close, WILLIAMS_R_PERIOD, column()),
      ultimate_oscillator: ultimateOscillator(high, low, close, ULTIMATE_OSCILLATOR_PERIODS, column()),
      close_lag_1: lag1,
      close_lag_2: lag2,
      close_lag_3: lag3,
      close_lag_4: lag4,
      close_lag_5: lag5,
    },
  };
}

/** Rows `[start, end)` of a frame as views (no copy). */
export function sliceFrame(frame: FeatureFrame, start: number, end: number): FeatureFrame {
  const grid = sliceGrid(frame.grid, start, end);
  const from = Math.max(0, Math.min(start, frame.grid.length));
  const to = from + grid.length;
  const features = {} as Record<FeatureName, Float64Array>;
  for (const [name, column] of Object.entries(frame.features) as [FeatureName, Float64Array][]) {
    features[name] = column.subarray(from, to);
  }
  return { grid, features };
}

/** One row of a frame as a plain object: the output schema, with null where a value is undefined. */
export interface FeatureRow extends Readonly<Record<FeatureName, number | null>> {
  readonly symbol: string;
  readonly window_start: number;
  readonly window_end: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly vwap: number | null;
  readonly trade_count: number;
  readonly filled: boolean;
}

/** Row `i` of a frame in the output schema (for writers that want objects and for tests). */
export function featureRow(frame: FeatureFrame, i: number): FeatureRow {
  const g = frame.grid;
  const row: Record<string, number | string | boolean | null> = {
    symbol: g.symbol,
    window_start: g.windowStart[i]!,
    window_end: g.windowEnd[i]!,
    open: g.open[i]!,
    high: g.high[i]!,
    low: g.low[i]!,
    close: g.close[i]!,
    volume: g.volume[i]!,
    vwap: nullIfNaN(g.vwap[i]!),
    trade_count: g.tradeCount[i]!,
    filled: g.filled[i] === 1,
  };
  for (const [name, column] of Object.entries(frame.features)) row[name] = nullIfNaN(column[i]!);
  return row as unknown as FeatureRow;
}

function nullIfNaN(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
