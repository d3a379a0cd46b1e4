/**
 * Reading a local lake back for comparison with the independent reference (`reference.ts`): bars
 * and late ticks through DuckDB, and the comparison rules (exact OHLC and counts, sums to 1e-9).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
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

/** Every late tick of the lake as a sortable key (`lateKey`), sorted; none when the lake has no `late/`. */
export async function lakeLate(lake: string): Promise<string[]> {
  if (!existsSync(join(lake, 'late'))) return [];
  const rows = await query(`
    SELECT symbol, interval, epoch_ms(ts) AS ts, price, size, id
    FROM read_parquet('${lake}/late/**/*.parquet', hive_partitioning = true)`);
  return rows.map((r) => lateKey({ ...(r as ReferenceResult['late'][number]), ts: Number(r.ts) })).sort();
}

export function lateKey(l: ReferenceResult['late'][number]): string {
  return [l.symbol, l.interval, l.ts, l.price, l.size, l.id ?? ''].join('|');
}

export const barKey = (b: ReferenceBar) => `${b.symbol}|${b.interval}|${b.window_start}`;

/**
 * The same bars: identities, counts and OHLC exactly; volume and vwap to a relative 1e-12 (sums of
 * many sizes differ in the last bits with the order of addition).
 */
export function expectSameBars(actual: ReferenceBar[], expected: ReferenceBar[]): void {
  expect(actual.map(barKey)).toEqual(expected.map(barKey));
  const byKey = new Map(expected.map((b) => [barKey(b), b]));
  for (const a of actual) {
    const e = byKey.get(barKey(a))!;
    expect(a.window_end).toBe(e.window_end);
    expect(a.trade_count).toBe(e.trade_count);
    expect(a.open).toBe(e.open);
    expect(a.close).toBe(e.close);
    expect(a.high).toBe(e.high);
    expect(a.low).toBe(e.low);
    if (e.volume === 0) expect(a.volume).toBe(0);
    else expect(Math.abs(a.volume - e.volume) / e.volume).toBeLessThan(1e-12);
    if (e.vwap === null) expect(a.vwap).toBeNull();
    else expect(Math.abs(a.vwap! - e.vwap) / e.vwap).toBeLessThan(1e-12);
  }
}
