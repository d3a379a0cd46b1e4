/** Numbers fixed by the features contract (docs/features.md). */

/** Rows at the head of every symbol's grid that are dropped before the split. */
export const WARMUP_ROWS = 60;

/** The global split: b1 is the window_start at ⌊0.70·N⌋, b2 at ⌊0.85·N⌋ of all remaining rows. */
export const TRAIN_FRACTION = 0.7;
export const VALIDATION_END_FRACTION = 0.85;

export const VOLATILITY_WINDOWS = [10, 30, 60] as const;
export const MEAN_RETURN_WINDOWS = [5, 10, 20] as const;
export const EMA_PERIODS = [12, 26] as const;
export const RSI_PERIOD = 14;
export const WILLIAMS_R_PERIOD = 14;
export const ULTIMATE_OSCILLATOR_PERIODS = [7, 14, 28] as const;
export const CLOSE_LAGS = [1, 2, 3, 4, 5] as const;

/** Every feature column, in output order. */
export const FEATURE_NAMES = [
  'log_return',
  'volatility_10',
  'volatility_30',
  'volatility_60',
  'mean_return_5',
  'mean_return_10',
  'mean_return_20',
  'spread',
  'change',
  'log_range',
  'ema_12',
  'ema_26',
  'rsi_14',
  'williams_r_14',
  'ultimate_oscillator',
  'close_lag_1',
  'close_lag_2',
  'close_lag_3',
  'close_lag_4',
  'close_lag_5',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
