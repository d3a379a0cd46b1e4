import type { DuckDBConnection } from '@duckdb/node-api';
import { FEATURE_NAMES, type FeatureName } from '../../shared/domain/features/index.js';
import type { Bar } from '../../shared/domain/types.js';

const RECURSIVE_FEATURES: readonly FeatureName[] = ['ema_12', 'ema_26', 'rsi_14'];

/**
 * The features that plain SQL window functions compute without recursion (docs/features.md#features). EMA and RSI are
 * recursive (each value depends on the previous one) and left out: a recursive CTE over 1M rows runs
 * one iteration per grid row, which would measure DuckDB's recursion, not its window functions.
 */
export const SQL_FEATURES: readonly FeatureName[] = FEATURE_NAMES.filter(
  (name) => !RECURSIVE_FEATURES.includes(name),
);

/** Loads bars into `table` (window_start as BIGINT epoch ms). */
export async function loadBars(
  connection: DuckDBConnection,
  series: readonly (readonly Bar[])[],
  table = 'bars',
): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TABLE ${table}_raw (symbol VARCHAR, window_start DOUBLE, window_end DOUBLE, open DOUBLE, high DOUBLE,
      low DOUBLE, close DOUBLE, volume DOUBLE, vwap DOUBLE, trade_count DOUBLE)`,
  );
  const appender = await connection.createAppender(`${table}_raw`);
  for (const bars of series) {
    for (const b of bars) {
      appender.appendVarchar(b.symbol);
      appender.appendDouble(b.windowStart);
      appender.appendDouble(b.windowEnd);
      appender.appendDouble(b.open);
      appender.appendDouble(b.high);
      appender.appendDouble(b.low);
      appender.appendDouble(b.close);
      appender.appendDouble(b.volume);
      if (b.vwap === null) appender.appendNull();
      else appender.appendDouble(b.vwap);
      appender.appendDouble(b.tradeCount);
      appender.endRow();
    }
  }
  appender.closeSync();
  await connection.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT symbol, CAST(window_start AS BIGINT) AS window_start,
      CAST(window_end AS BIGINT) AS window_end, open, high, low, close, volume, vwap,
      CAST(trade_count AS BIGINT) AS trade_count FROM ${table}_raw`,
  );
  await connection.run(`DROP TABLE ${table}_raw`);
}

/**
 * `CREATE TABLE target AS` the grid (forward-filled, docs/features.md#grid) and {@link SQL_FEATURES} of every
 * symbol, with the contract's null rules: a rolling feature is null until its window holds `w`
 * defined inputs (`t` is the row number in the symbol's grid), Williams %R null when HH = LL,
 * the ultimate oscillator null when a ΣTR is 0.
 */
export function featuresSql(stepMs: number, source = 'bars', target = 'sql_features'): string {
  const rows = (n: number) => `(w ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW)`;
  const vol = (n: number) =>
    `CASE WHEN t >= ${n} THEN stddev_samp(log_return) OVER ${rows(n)} END AS volatility_${n}`;
  const mean = (n: number) =>
    `CASE WHEN t >= ${n} THEN avg(log_return) OVER ${rows(n)} END AS mean_return_${n}`;
  const sums = (n: number) => `sum(bp) OVER ${rows(n)} AS bp_${n}, sum(tr) OVER ${rows(n)} AS tr_${n}`;
  return `CREATE OR REPLACE TABLE ${target} AS
    WITH spans AS (SELECT symbol, min(window_start) AS first, max(window_start) AS last FROM ${source} GROUP BY symbol),
    grid AS (SELECT symbol, unnest(generate_series(first, last, ${stepMs})) AS window_start FROM spans),
    joined AS (
      SELECT g.symbol, g.window_start, b.open, b.high, b.low, b.close, b.volume, b.vwap, b.trade_count,
        last_value(b.close IGNORE NULLS) OVER (PARTITION BY g.symbol ORDER BY g.window_start
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS carried
      FROM grid g LEFT JOIN ${source} b ON b.symbol = g.symbol AND b.window_start = g.window_start),
    filled AS (
      SELECT symbol, window_start, close IS NULL AS filled,
        coalesce(open, carried) AS open, coalesce(high, carried) AS high, coalesce(low, carried) AS low,
        carried AS close, coalesce(volume, 0) AS volume, vwap, coalesce(trade_count, 0) AS trade_count
      FROM joined),
    base AS (
      SELECT *, row_number() OVER w - 1 AS t, lag(close) OVER w AS prev_close,
        ln(close / lag(close) OVER w) AS log_return,
        close - least(low, lag(close) OVER w) AS bp,
        greatest(high, lag(close) OVER w) - least(low, lag(close) OVER w) AS tr
      FROM filled WINDOW w AS (PARTITION BY symbol ORDER BY window_start)),
    rolled AS (
      SELECT *, ${[10, 30, 60].map(vol).join(', ')}, ${[5, 10, 20].map(mean).join(', ')},
        max(high) OVER ${rows(14)} AS hh, min(low) OVER ${rows(14)} AS ll,
        ${[7, 14, 28].map(sums).join(', ')},
        ${[1, 2, 3, 4, 5].map((k) => `lag(close, ${k}) OVER w AS close_lag_${k}`).join(', ')}
      FROM base WINDOW w AS (PARTITION BY symbol ORDER BY window_start))
    SELECT symbol, window_start, filled, open, high, low, close, volume, vwap, trade_count, log_return,
      volatility_10, volatility_30, volatility_60, mean_return_5, mean_return_10, mean_return_20,
      high - low AS spread, close - open AS change, ln(high / low) AS log_range,
      CASE WHEN t >= 13 AND hh > ll THEN -100 * (hh - close) / (hh - ll) END AS williams_r_14,
      CASE WHEN t >= 28 AND tr_7 > 0 AND tr_14 > 0 AND tr_28 > 0
        THEN 100 * (4 * bp_7 / tr_7 + 2 * bp_14 / tr_14 + bp_28 / tr_28) / 7 END AS ultimate_oscillator,
      close_lag_1, close_lag_2, close_lag_3, close_lag_4, close_lag_5
    FROM rolled`;
}
