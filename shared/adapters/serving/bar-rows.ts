import type cassandra from 'cassandra-driver';
import type { Bar } from '../../domain/types.js';
import { utcDay } from './day.js';

/** A bar as the serving store holds it: forming (`isFinal` false) or final, and when it was last written. */
export interface StoredBar extends Bar {
  readonly isFinal: boolean;
  /** Epoch ms of the last write (writer's clock). */
  readonly updatedAt: number;
}

/** Bind values of the final-bar INSERT (see statements.ts for the column order). */
export function finalParams(bar: Bar, ttlS: number, now: number): unknown[] {
  return [
    bar.symbol,
    bar.interval,
    utcDay(bar.windowStart),
    new Date(bar.windowStart),
    ...valueParams(bar),
    new Date(now),
    ttlS,
  ];
}

/** Bind values of the forming-bar conditional UPDATE. */
export function formingParams(bar: Bar, ttlS: number, now: number): unknown[] {
  return [
    ttlS,
    ...valueParams(bar),
    new Date(now),
    bar.symbol,
    bar.interval,
    utcDay(bar.windowStart),
    new Date(bar.windowStart),
  ];
}

function valueParams(bar: Bar): unknown[] {
  return [
    new Date(bar.windowEnd),
    bar.open,
    bar.high,
    bar.low,
    bar.close,
    bar.volume,
    bar.vwap,
    bar.tradeCount,
  ];
}

/** A row of the day query back into a StoredBar. */
export function rowToBar(row: cassandra.types.Row, symbol: string, interval: string): StoredBar {
  return {
    symbol,
    interval,
    windowStart: (row.get('window_start') as Date).getTime(),
    windowEnd: (row.get('window_end') as Date).getTime(),
    open: row.get('open') as number,
    high: row.get('high') as number,
    low: row.get('low') as number,
    close: row.get('close') as number,
    volume: row.get('volume') as number,
    vwap: (row.get('vwap') as number | null) ?? null,
    tradeCount: row.get('trade_count') as number,
    isFinal: row.get('is_final') === true,
    updatedAt: (row.get('updated_at') as Date).getTime(),
  };
}

/** Groups bars by partition (symbol, interval, UTC day of window_start), keeping input order inside. */
export function groupByPartition(bars: readonly Bar[]): Bar[][] {
  const groups = new Map<string, Bar[]>();
  for (const bar of bars) {
    const key = `${bar.symbol}\u0000${bar.interval}\u0000${utcDay(bar.windowStart)}`;
    const group = groups.get(key);
    if (group) group.push(bar);
    else groups.set(key, [bar]);
  }
  return [...groups.values()];
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
