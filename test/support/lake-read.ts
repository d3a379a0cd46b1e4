/**
 * Reading a local lake back for comparison with the independent reference (`reference.ts`): bars
 * and late ticks through DuckDB. No test-runner import, so the scale benchmark reads lakes with it too.
 */
import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ReferenceBar, ReferenceResult } from './reference.js';

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Every bar of the lake under `lake/bars/`, ordered by symbol, interval and window. */
export async function lakeBars(lake: string): Promise<ReferenceBar[]> {
  const rows = await query(`
    SELECT symbol, interval, epoch_ms(window_start) AS window_start, epoch_ms(window_end) AS window_end,
      open, high, low, close, volume, vwap, trade_count
    FROM read_parquet('${lake}/bars/**/*.parquet', hive_partitioning = true)
    ORDER BY symbol, interval, window_start`);
  return rows.map((r) => ({
    ...(r as unknown as ReferenceBar),
    window_start: Number(r.window_start),
    window_end: Number(r.window_end),
    trade_count: Number(r.trade_count),
  }));
}

/** Every late tick of the lake as a sortable key (`lateKey`), sorted. */
export async function lakeLate(lake: string): Promise<string[]> {
  // A run without late ticks writes no late/ directory (DuckDB refuses a glob that matches nothing).
  if (!existsSync(`${lake}/late`)) return [];
  const rows = await query(`
    SELECT symbol, interval, epoch_ms(ts) AS ts, price, size, id
    FROM read_parquet('${lake}/late/**/*.parquet', hive_partitioning = true)`);
  return rows.map((r) => lateKey({ ...(r as ReferenceResult['late'][number]), ts: Number(r.ts) })).sort();
}

export function lateKey(l: ReferenceResult['late'][number]): string {
  return [l.symbol, l.interval, l.ts, l.price, l.size, l.id ?? ''].join('|');
}

export const barKey = (b: ReferenceBar) => `${b.symbol}|${b.interval}|${b.window_start}`;
