/**
 * A small gold-bars lake for the preprocess tests: a few symbols of 1m bars with gaps, spread over
 * two UTC dates, written as Parquet with the lake's own writer and key layout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeParquet } from '../../../shared/adapters/parquet/index.js';
import type { Bar } from '../../../shared/domain/types.js';
import { BARS_SCHEMA, barRow, barsPartitionKey, partitionFileKey } from '../../../shared/lake/index.js';

export const MINUTE = 60_000;
/** 2024-01-01T22:00Z: the fixtures cross midnight, so each symbol has two date partitions. */
export const FIXTURE_START = Date.UTC(2024, 0, 1, 22, 0);

export interface FixtureSymbol {
  readonly symbol: string;
  /** Minutes after FIXTURE_START of the first bar. */
  readonly offsetMinutes: number;
  /** Grid rows from first to last bar (some of them gaps). */
  readonly gridRows: number;
  readonly seed: number;
}

export const FIXTURE_SYMBOLS: readonly FixtureSymbol[] = [
  { symbol: 'AAPL', offsetMinutes: 0, gridRows: 520, seed: 1 },
  { symbol: 'BTC-USDT', offsetMinutes: 37, gridRows: 480, seed: 2 },
  { symbol: 'EUR/USD', offsetMinutes: 75, gridRows: 505, seed: 3 },
];

/** Deterministic bars with gaps: runs of missing minutes, never the first or the last one. */
export function fixtureBars(spec: FixtureSymbol, interval = '1m'): Bar[] {
  let state = spec.seed * 7919;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const bars: Bar[] = [];
  let close = 100 + 50 * spec.seed;
  let gapLeft = 0;
  for (let i = 0; i < spec.gridRows; i++) {
    const isEdge = i === 0 || i === spec.gridRows - 1;
    if (!isEdge && gapLeft === 0 && random() < 0.04) gapLeft = 1 + Math.floor(random() * 4);
    const open = close * (1 + (random() - 0.5) * 0.002);
    close = open * (1 + (random() - 0.5) * 0.004);
    if (!isEdge && gapLeft > 0) {
      gapLeft--;
      continue;
    }
    const windowStart = FIXTURE_START + (spec.offsetMinutes + i) * MINUTE;
    const quiet = random() < 0.05;
    const volume = quiet ? 0 : 1 + Math.floor(random() * 1000) / 10;
    bars.push({
      symbol: spec.symbol,
      interval,
      windowStart,
      windowEnd: windowStart + MINUTE,
      open,
      high: Math.max(open, close) * (1 + random() * 0.001),
      low: Math.min(open, close) * (1 - random() * 0.001),
      close,
      volume,
      vwap: quiet ? null : (open + close) / 2,
      tradeCount: quiet ? 0 : 1 + Math.floor(random() * 50),
    });
  }
  return bars;
}

/** Writes the bars of each symbol under `lakeDir`, one Parquet file per (symbol, date). */
export function writeBarsLake(
  lakeDir: string,
  symbols: readonly FixtureSymbol[] = FIXTURE_SYMBOLS,
): Map<string, Bar[]> {
  const all = new Map<string, Bar[]>();
  for (const spec of symbols) {
    const bars = fixtureBars(spec);
    all.set(spec.symbol, bars);
    const byPartition = new Map<string, Bar[]>();
    for (const bar of bars) {
      const key = barsPartitionKey(bar.interval, bar.symbol, bar.windowStart);
      byPartition.set(key, [...(byPartition.get(key) ?? []), bar]);
    }
    for (const [partition, rows] of byPartition) {
      const path = join(lakeDir, partitionFileKey(partition));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeParquet(BARS_SCHEMA, rows.map(barRow)));
    }
  }
  return all;
}
