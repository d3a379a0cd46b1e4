/**
 * The named-query catalogue (docs/lake.md#partition-projection): the same SQL text runs on Athena engine 3
 * (Trino) and on DuckDB, so it keeps to their common subset (CAST, date_trunc, date_diff, max_by/min_by,
 * window functions, `INTERVAL '1' HOUR`, double-quoted identifiers). The CLI runs it with
 * `tickflow query --named NAME --param k=v`; the CDK catalog saves it as an Athena named query.
 *
 * `{{name}}` placeholders become SQL literals ({@link renderNamedQuery}). In Athena the `symbol`
 * partition is projected by injection, so a query over `bars`, `ticks` or `late` must name its symbols
 * with `=` or `IN`: every query over them takes `symbol` or `symbols`.
 */

import type { QueryParameter } from './parameters.js';

export interface NamedQuery {
  /** Kebab-case name, e.g. `latest-bars`. */
  readonly name: string;
  readonly description: string;
  /** SQL with `{{parameter}}` placeholders. */
  readonly sql: string;
  readonly parameters: readonly QueryParameter[];
}

const SYMBOLS: QueryParameter = {
  name: 'symbols',
  description: 'comma-separated symbols (Athena needs them: the symbol partition is injected)',
  kind: 'string-list',
  example: 'EUR/USD,BTCUSDT',
};

const INTERVAL: QueryParameter = {
  name: 'interval',
  description: 'a tumbling bar interval label (sliding labels like 5m_1m count each tick several times)',
  kind: 'string',
  default: '1m',
  example: '1m',
};

const limit = (fallback: number): QueryParameter => ({
  name: 'limit',
  description: 'at most this many rows',
  kind: 'integer',
  default: String(fallback),
  example: String(fallback),
});

const LATEST_BARS: NamedQuery = {
  name: 'latest-bars',
  description: 'The newest bars of one symbol and interval, newest first.',
  parameters: [
    { name: 'symbol', description: 'the symbol, e.g. EUR/USD', kind: 'string', example: 'EUR/USD' },
    INTERVAL,
    limit(20),
  ],
  sql: `SELECT symbol, "interval", window_start, window_end, open, high, low, close, volume, vwap, trade_count
FROM bars
WHERE symbol = {{symbol}} AND "interval" = {{interval}}
ORDER BY window_start DESC
LIMIT {{limit}}`,
};

const DAILY_VWAP: NamedQuery = {
  name: 'daily-vwap',
  description:
    'Volume-weighted average price per symbol and UTC day, Σ(vwap·volume)/Σvolume over the bars of one interval.',
  parameters: [SYMBOLS, INTERVAL],
  sql: `SELECT symbol, "date",
  SUM(vwap * volume) / NULLIF(SUM(volume), 0) AS vwap,
  SUM(volume) AS volume,
  SUM(trade_count) AS trade_count,
  COUNT(*) AS bars
FROM bars
WHERE symbol IN ({{symbols}}) AND "interval" = {{interval}}
GROUP BY symbol, "date"
ORDER BY symbol, "date"`,
};

const TOP_MOVERS: NamedQuery = {
  name: 'top-movers',
  description:
    'Largest price moves over the last hour of data (bars with window_start within 1 hour of the newest bar), by |change %|.',
  parameters: [SYMBOLS, INTERVAL, limit(10)],
  sql: `WITH selected AS (
  SELECT symbol, window_start, open, close
  FROM bars
  WHERE symbol IN ({{symbols}}) AND "interval" = {{interval}}
),
horizon AS (
  SELECT MAX(window_start) - INTERVAL '1' HOUR AS since FROM selected
),
moves AS (
  SELECT s.symbol,
    MIN_BY(s.open, s.window_start) AS first_open,
    MAX_BY(s.close, s.window_start) AS last_close,
    MIN(s.window_start) AS first_bar,
    MAX(s.window_start) AS last_bar,
    COUNT(*) AS bars
  FROM selected s CROSS JOIN horizon h
  WHERE s.window_start > h.since
  GROUP BY s.symbol
)
SELECT symbol, first_open, last_close,
  (last_close - first_open) / first_open * 100 AS change_pct,
  first_bar, last_bar, bars
FROM moves
ORDER BY ABS((last_close - first_open) / first_open) DESC, symbol
LIMIT {{limit}}`,
};

const LATE_REPORT: NamedQuery = {
  name: 'late-report',
  description:
    'Late ticks per interval and symbol, with the lateness (watermark − ts) in milliseconds: average and maximum.',
  parameters: [SYMBOLS],
  sql: `SELECT "interval", symbol,
  COUNT(*) AS late_ticks,
  AVG(CAST(date_diff('millisecond', ts, watermark) AS DOUBLE)) AS avg_lateness_ms,
  MAX(date_diff('millisecond', ts, watermark)) AS max_lateness_ms,
  MIN(ts) AS first_ts,
  MAX(ts) AS last_ts
FROM late
WHERE symbol IN ({{symbols}})
GROUP BY "interval", symbol
ORDER BY "interval", symbol`,
};

const DATA_QUALITY: NamedQuery = {
  name: 'data-quality',
  description:
    'Quarantined records per reason and field with their share, between two arrival dates. Duplicates are not in the lake: the run summary counts them.',
  parameters: [
    {
      name: 'from',
      description: 'first arrival date',
      kind: 'date',
      default: '1970-01-01',
      example: '1970-01-01',
    },
    {
      name: 'to',
      description: 'last arrival date',
      kind: 'date',
      default: '9999-12-31',
      example: '9999-12-31',
    },
  ],
  sql: `SELECT reason, field,
  COUNT(*) AS records,
  CAST(COUNT(*) AS DOUBLE) * 100 / SUM(COUNT(*)) OVER () AS pct,
  MIN(arrival_time) AS first_arrival,
  MAX(arrival_time) AS last_arrival,
  MIN(raw) AS example_raw
FROM quarantine
WHERE "date" BETWEEN {{from}} AND {{to}}
GROUP BY reason, field
ORDER BY records DESC, reason, field`,
};

/** Every named query, in the order `--list-named` shows them. */
export const NAMED_QUERIES: readonly NamedQuery[] = [
  LATEST_BARS,
  DAILY_VWAP,
  TOP_MOVERS,
  LATE_REPORT,
  DATA_QUALITY,
];
