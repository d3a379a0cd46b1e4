/**
 * A small known lake written with the production Parquet writer, for the query tests. Values are chosen
 * so every named query has a hand-computable answer (see the comments next to the rows).
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeParquet } from '../../../shared/adapters/parquet/index.js';
import { partitionFileKey, partitionKey } from '../../../shared/lake/keys.js';
import {
  BARS_SCHEMA,
  LATE_SCHEMA,
  type LakeRow,
  type LakeSchema,
  QUARANTINE_SCHEMA,
} from '../../../shared/lake/schemas.js';

const MINUTE = 60_000;
export const at = (iso: string): number => Date.parse(iso);

const bar = (
  start: string,
  open: number,
  close: number,
  volume: number,
  vwap: number | null,
  trades: number,
) => ({
  window_start: at(start),
  window_end: at(start) + MINUTE,
  open,
  high: Math.max(open, close) + 0.0005,
  low: Math.min(open, close) - 0.0005,
  close,
  volume,
  vwap,
  trade_count: trades,
});

const origin = (i: number) => ({
  arrival_time: at('2024-01-02T12:00:00Z') + i,
  shard_id: 'shardId-000000000000',
  sequence_number: String(1000 + i),
  sub_index: 0,
});

const late = (ts: string, watermark: string, i: number) => ({
  ts: at(ts),
  price: 1.1,
  size: 1,
  id: `late-${i}`,
  watermark: at(watermark),
  ...origin(i),
});

const quarantined = (reason: string, field: string | null, raw: string, arrival: string, i: number) => ({
  raw,
  reason,
  field,
  ...origin(i),
  arrival_time: at(arrival),
});

interface LakeFile {
  readonly partition: string;
  readonly schema: LakeSchema;
  readonly rows: readonly LakeRow[];
}

/** The files of the small lake; `ticks` and `features` are left empty on purpose. */
export const SMALL_LAKE: readonly LakeFile[] = [
  // EUR/USD 1m on 2024-01-01: daily VWAP 1.0995, volume 10.
  {
    partition: partitionKey('bars', { interval: '1m', symbol: 'EUR/USD', date: '2024-01-01' }),
    schema: BARS_SCHEMA,
    rows: [bar('2024-01-01T23:59:00Z', 1.099, 1.1, 10, 1.0995, 3)],
  },
  // EUR/USD 1m on 2024-01-02: VWAP (20·1.1005 + 30·1.1025 + 50·1.106)/100 = 1.10385; newest bar 11:29, so
  // the last hour is (10:29, 11:29]: first open 1.102, last close 1.1075 → +0.49909…%.
  {
    partition: partitionKey('bars', { interval: '1m', symbol: 'EUR/USD', date: '2024-01-02' }),
    schema: BARS_SCHEMA,
    rows: [
      bar('2024-01-02T09:00:00Z', 1.1, 1.101, 20, 1.1005, 4),
      bar('2024-01-02T10:30:00Z', 1.102, 1.103, 30, 1.1025, 5),
      bar('2024-01-02T11:00:00Z', 1.103, 1.104, 0, null, 0),
      bar('2024-01-02T11:29:00Z', 1.104, 1.1075, 50, 1.106, 6),
    ],
  },
  // A 5m bar that a 1m query must not see.
  {
    partition: partitionKey('bars', { interval: '5m', symbol: 'EUR/USD', date: '2024-01-02' }),
    schema: BARS_SCHEMA,
    rows: [bar('2024-01-02T11:25:00Z', 9, 9.99, 1, 9.5, 1)],
  },
  // BTCUSDT: the 10:00 bar is outside the last hour; 11:00 open 42000 → 11:15 close 40950: −2.5%.
  {
    partition: partitionKey('bars', { interval: '1m', symbol: 'BTCUSDT', date: '2024-01-02' }),
    schema: BARS_SCHEMA,
    rows: [
      bar('2024-01-02T10:00:00Z', 42000, 42100, 1, 42050, 2),
      bar('2024-01-02T11:00:00Z', 42000, 41000, 2, 41500, 7),
      bar('2024-01-02T11:15:00Z', 41000, 40950, 1, 40975, 1),
    ],
  },
  // Late ticks: EUR/USD 1m lateness 300 s and 270 s (avg 285 000 ms); 5m 60 s; BTCUSDT 1m 1.5 s.
  {
    partition: partitionKey('late', { interval: '1m', symbol: 'EUR/USD', date: '2024-01-02' }),
    schema: LATE_SCHEMA,
    rows: [
      late('2024-01-02T10:00:00Z', '2024-01-02T10:05:00Z', 1),
      late('2024-01-02T10:01:00Z', '2024-01-02T10:05:30Z', 2),
    ],
  },
  {
    partition: partitionKey('late', { interval: '5m', symbol: 'EUR/USD', date: '2024-01-02' }),
    schema: LATE_SCHEMA,
    rows: [late('2024-01-02T10:00:00Z', '2024-01-02T10:01:00Z', 3)],
  },
  {
    partition: partitionKey('late', { interval: '1m', symbol: 'BTCUSDT', date: '2024-01-02' }),
    schema: LATE_SCHEMA,
    rows: [late('2024-01-02T10:00:00.000Z', '2024-01-02T10:00:01.500Z', 4)],
  },
  // Quarantine: 3 × invalid price and 1 × not JSON on 2024-01-02; 1 × invalid symbol on 2024-01-03.
  {
    partition: partitionKey('quarantine', { date: '2024-01-02' }),
    schema: QUARANTINE_SCHEMA,
    rows: [
      quarantined('price must be > 0', 'price', '{"price":-1}', '2024-01-02T08:00:00Z', 5),
      quarantined('price must be > 0', 'price', '{"price":0}', '2024-01-02T09:00:00Z', 6),
      quarantined('price must be > 0', 'price', '{"price":"x"}', '2024-01-02T10:00:00Z', 7),
      quarantined('not JSON', null, '{oops', '2024-01-02T11:00:00Z', 8),
    ],
  },
  {
    partition: partitionKey('quarantine', { date: '2024-01-03' }),
    schema: QUARANTINE_SCHEMA,
    rows: [quarantined('invalid symbol', 'symbol', '{"symbol":""}', '2024-01-03T01:00:00Z', 9)],
  },
];

/** Writes the small lake into a fresh temporary directory; returns it and a cleanup function. */
export function writeSmallLake(): { lakeDir: string; remove: () => void } {
  const lakeDir = mkdtempSync(join(tmpdir(), 'tickflow-query-lake-'));
  for (const file of SMALL_LAKE) {
    const path = join(lakeDir, partitionFileKey(file.partition));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeParquet(file.schema, file.rows));
  }
  return { lakeDir, remove: () => rmSync(lakeDir, { recursive: true, force: true }) };
}
