/**
 * A lake of many symbols for the report's size bound, written straight with the lake's Parquet writer
 * (no pipeline run: 2,000 symbols of bars take seconds this way). The first `dense` symbols by name
 * have a full day of 1m bars, enough to exceed a report's candle budget so it must downsample; the
 * others have an hour each. Prices walk in cents, as quoted prices do.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeParquet } from '../../../shared/adapters/parquet/index.js';
import { BARS_SCHEMA, barsPartitionKey, partitionFileKey } from '../../../shared/lake/index.js';
import type { LakeRow } from '../../../shared/lake/schemas.js';
import { createRandom } from '../../../shared/random.js';
import { symbolName } from '../market-load.js';

export const WIDE_LAKE_START = Date.UTC(2024, 0, 2);
const MINUTE = 60_000;

export interface WideLake {
  readonly symbols: number;
  readonly dense: number;
  readonly denseBars: number;
  readonly sparseBars: number;
}

export const WIDE_LAKE: WideLake = { symbols: 2_000, dense: 50, denseBars: 1_440, sparseBars: 60 };

/** Writes the lake's 1m bars, one file per symbol; returns the number of bars written. */
export function writeWideLake(lakeDir: string, lake: WideLake = WIDE_LAKE): number {
  let written = 0;
  for (let s = 0; s < lake.symbols; s++) {
    const symbol = symbolName(s);
    const random = createRandom(`wide-${s}`);
    const n = s < lake.dense ? lake.denseBars : lake.sparseBars;
    const cents = (x: number) => Math.round(x * 100) / 100;
    let price = 20 + s;
    const rows: LakeRow[] = [];
    for (let i = 0; i < n; i++) {
      const open = price;
      const close = cents(Math.max(0.01, open * (1 + (random.next() - 0.5) * 0.004)));
      const high = cents(Math.max(open, close) * (1 + random.next() * 0.001));
      const low = cents(Math.min(open, close) * (1 - random.next() * 0.001));
      const volume = 1 + Math.floor(random.next() * 500);
      rows.push({
        window_start: WIDE_LAKE_START + i * MINUTE,
        window_end: WIDE_LAKE_START + (i + 1) * MINUTE,
        open,
        high,
        low,
        close,
        volume,
        vwap: cents((open + close) / 2),
        trade_count: volume,
      });
      price = close;
    }
    const path = join(lakeDir, partitionFileKey(barsPartitionKey('1m', symbol, WIDE_LAKE_START)));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeParquet(BARS_SCHEMA, rows));
    written += n;
  }
  return written;
}
