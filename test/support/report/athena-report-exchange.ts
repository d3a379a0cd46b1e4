/**
 * The Athena exchange of one report of EUR/USD, for the replayed fake of the Athena API
 * (athena-replay.ts): the five queries a report runs, each checked by its SQL text, answered with rows
 * as Athena prints them (two 1m bars, three late ticks, two quarantined records, no features).
 */

import {
  barsSql,
  featuresSql,
  lateBucketsSql,
  lateRangeSql,
  lateSql,
  lateTotalsSql,
  QUARANTINE_SQL,
  statsSql,
} from '../../../shared/report/queries.js';
import { type Exchange, selectExchange } from '../query/athena-replay.js';

export const REPORT_SYMBOLS = ['EUR/USD'];

export const REPORT_EXCHANGE: readonly Exchange[] = [
  ...selectExchange(
    'q-stats',
    statsSql(REPORT_SYMBOLS),
    [
      ['symbol', 'varchar'],
      ['interval', 'varchar'],
      ['bars', 'bigint'],
      ['trades', 'bigint'],
      ['first_start', 'timestamp(3)'],
      ['last_start', 'timestamp(3)'],
      ['first_open', 'double'],
      ['last_close', 'double'],
    ],
    [['EUR/USD', '1m', '2', '9', '2024-01-02 09:00:00.000', '2024-01-02 09:01:00.000', '1.1', '1.103']],
  ),
  ...selectExchange(
    'q-bars',
    barsSql(REPORT_SYMBOLS),
    [
      ['symbol', 'varchar'],
      ['interval', 'varchar'],
      ['window_start', 'timestamp(3)'],
      ['open', 'double'],
      ['high', 'double'],
      ['low', 'double'],
      ['close', 'double'],
      ['volume', 'double'],
      ['vwap', 'double'],
      ['trade_count', 'bigint'],
    ],
    [
      ['EUR/USD', '1m', '2024-01-02 09:00:00.000', '1.1', '1.102', '1.099', '1.101', '20', '1.1005', '4'],
      ['EUR/USD', '1m', '2024-01-02 09:01:00.000', '1.101', '1.104', '1.1', '1.103', '0', undefined, '5'],
    ],
  ),
  ...selectExchange(
    'q-features',
    featuresSql(REPORT_SYMBOLS),
    [
      ['symbol', 'varchar'],
      ['window_start', 'timestamp(3)'],
      ['log_return', 'double'],
      ['volatility_10', 'double'],
      ['volatility_30', 'double'],
      ['volatility_60', 'double'],
      ['rsi_14', 'double'],
    ],
    [],
  ),
  ...selectExchange(
    'q-late',
    lateSql(REPORT_SYMBOLS),
    [
      ['symbol', 'varchar'],
      ['interval', 'varchar'],
      ['minute', 'timestamp(3)'],
      ['ticks', 'bigint'],
    ],
    [['EUR/USD', '1m', '2024-01-02 09:01:00.000', '3']],
  ),
  ...selectExchange(
    'q-late-totals',
    lateTotalsSql(REPORT_SYMBOLS),
    [
      ['symbol', 'varchar'],
      ['interval', 'varchar'],
      ['ticks', 'bigint'],
    ],
    [['EUR/USD', '1m', '3']],
  ),
  ...selectExchange(
    'q-late-range',
    lateRangeSql(REPORT_SYMBOLS),
    [
      ['first_ts', 'timestamp(3)'],
      ['last_ts', 'timestamp(3)'],
    ],
    [['2024-01-02 09:01:10.000', '2024-01-02 09:01:50.000']],
  ),
  ...selectExchange(
    'q-late-buckets',
    lateBucketsSql('minute', REPORT_SYMBOLS),
    [
      ['interval', 'varchar'],
      ['t', 'timestamp(3)'],
      ['ticks', 'bigint'],
    ],
    [['1m', '2024-01-02 09:01:00.000', '3']],
  ),
  ...selectExchange(
    'q-quarantine',
    QUARANTINE_SQL,
    [
      ['reason', 'varchar'],
      ['field', 'varchar'],
      ['records', 'bigint'],
    ],
    [['price must be a finite number > 0', 'price', '2']],
  ),
];
