/**
 * The SQL a report runs, in the common subset of DuckDB and Athena engine 3 (as the named queries,
 * shared/query/named-queries.ts), so `tickflow report` reads a local lake and a deployed one alike.
 * On Athena the symbol partition is injected: every query over bars, late and features names its
 * symbols (the quarantine has no symbol partition).
 */

import { stringLiteral } from '../query/lake-tables.js';

/** `WHERE symbol IN (…)`, or nothing when every symbol is wanted. */
function symbolFilter(symbols: readonly string[] | undefined, keyword = 'WHERE'): string {
  return symbols ? `${keyword} symbol IN (${symbols.map(stringLiteral).join(', ')})` : '';
}

/** One row per (symbol, interval): bar count, ticks in bars, time range, first open and last close. */
export function statsSql(symbols?: readonly string[]): string {
  return `SELECT symbol, "interval", COUNT(*) AS bars, SUM(trade_count) AS trades,
  MIN(window_start) AS first_start, MAX(window_start) AS last_start,
  MIN_BY(open, window_start) AS first_open, MAX_BY(close, window_start) AS last_close
FROM bars
${symbolFilter(symbols)}
GROUP BY symbol, "interval"`;
}

export function barsSql(symbols: readonly string[]): string {
  return `SELECT symbol, "interval", window_start, open, high, low, close, volume, vwap, trade_count
FROM bars
${symbolFilter(symbols)}
ORDER BY symbol, "interval", window_start`;
}

export function featuresSql(symbols: readonly string[]): string {
  return `SELECT symbol, window_start, log_return, volatility_10, volatility_30, volatility_60, rsi_14
FROM features
${symbolFilter(symbols)}
ORDER BY symbol, window_start`;
}

/** Late ticks per symbol, interval and UTC minute of their event time: the charted symbols' markers. */
export function lateSql(symbols: readonly string[]): string {
  return `SELECT symbol, "interval", date_trunc('minute', ts) AS minute, COUNT(*) AS ticks
FROM late
${symbolFilter(symbols)}
GROUP BY symbol, "interval", date_trunc('minute', ts)`;
}

/** Late ticks per symbol and interval. */
export function lateTotalsSql(symbols?: readonly string[]): string {
  return `SELECT symbol, "interval", COUNT(*) AS ticks
FROM late
${symbolFilter(symbols)}
GROUP BY symbol, "interval"`;
}

/** The event times of the first and last late tick, to choose the buckets of {@link lateBucketsSql}. */
export function lateRangeSql(symbols?: readonly string[]): string {
  return `SELECT MIN(ts) AS first_ts, MAX(ts) AS last_ts
FROM late
${symbolFilter(symbols)}`;
}

/** Late ticks per interval and UTC minute, hour or day of their event time, all symbols together. */
export function lateBucketsSql(unit: 'minute' | 'hour' | 'day', symbols?: readonly string[]): string {
  return `SELECT "interval", date_trunc('${unit}', ts) AS t, COUNT(*) AS ticks
FROM late
${symbolFilter(symbols)}
GROUP BY "interval", date_trunc('${unit}', ts)`;
}

/** Quarantined records per reason (without the quoted bad value, `(got …)`) and field. */
export const QUARANTINE_SQL = `SELECT reason, field, COUNT(*) AS records
FROM (SELECT regexp_replace(reason, ' \\(got .*\\)$', '') AS reason, field FROM quarantine) q
GROUP BY reason, field`;
