import type { Bar } from '../../domain/types.js';
import { parsePartitionPath, partitionPrefix, utcDate } from '../../lake/index.js';
import type { ParquetLake } from '../ports.js';
import { UnreadableBarsError } from './errors.js';

/** One UTC date of a symbol's gold bars and the Parquet files that hold it. */
export interface BarDate {
  readonly date: string;
  readonly keys: readonly string[];
}

/**
 * Every symbol with gold bars of `interval`, and each symbol's dates in ascending order, from one
 * listing of `bars/interval=I/`. Keys that are not bar Parquet files are ignored.
 */
export async function listBarDates(store: ParquetLake, interval: string): Promise<Map<string, BarDate[]>> {
  const bySymbol = new Map<string, Map<string, string[]>>();
  for (const key of await store.list(partitionPrefix('bars', { interval }))) {
    if (!key.endsWith('.parquet')) continue;
    const { partition } = parsePartitionPath(key);
    const dates = bySymbol.get(partition.symbol!) ?? new Map<string, string[]>();
    bySymbol.set(partition.symbol!, dates);
    dates.set(partition.date!, [...(dates.get(partition.date!) ?? []), key]);
  }
  const out = new Map<string, BarDate[]>();
  for (const symbol of [...bySymbol.keys()].sort()) {
    const dates = bySymbol.get(symbol)!;
    out.set(
      symbol,
      [...dates.keys()].sort().map((date) => ({ date, keys: dates.get(date)!.sort() })),
    );
  }
  return out;
}

/** One symbol's dates of `interval` (ascending), listing only that symbol's folder. */
export async function listSymbolBarDates(
  store: ParquetLake,
  interval: string,
  symbol: string,
): Promise<BarDate[]> {
  const keys = await store.list(partitionPrefix('bars', { interval, symbol }));
  const dates = new Map<string, string[]>();
  for (const key of keys) {
    if (!key.endsWith('.parquet')) continue;
    const date = parsePartitionPath(key).partition.date!;
    dates.set(date, [...(dates.get(date) ?? []), key]);
  }
  return [...dates.keys()].sort().map((date) => ({ date, keys: dates.get(date)!.sort() }));
}

/** The dates whose bars can fall in [from, to] (a date partition is the UTC date of window_start). */
export function datesInRange(dates: readonly BarDate[], from?: number, to?: number): BarDate[] {
  const first = from === undefined ? '' : utcDate(from);
  const last = to === undefined ? '\uffff' : utcDate(to);
  return dates.filter((d) => d.date >= first && d.date <= last);
}

/** The window starts of one bars file; throws {@link UnreadableBarsError} when it cannot be decoded. */
export async function readWindowStarts(store: ParquetLake, key: string): Promise<number[]> {
  const rows = await decodeBars(store, key, ['window_start']);
  return rows.map((row, i) => requireNumber(key, row.window_start, 'window_start', i));
}

/** The bars of one file with window_start in [from, to], as domain bars of `symbol` and `interval`. */
export async function readBars(
  store: ParquetLake,
  key: string,
  series: { symbol: string; interval: string; from: number; to: number },
): Promise<Bar[]> {
  const bars: Bar[] = [];
  const rows = await decodeBars(store, key);
  rows.forEach((row, i) => {
    const windowStart = requireNumber(key, row.window_start, 'window_start', i);
    if (windowStart < series.from || windowStart > series.to) return;
    bars.push({
      symbol: series.symbol,
      interval: series.interval,
      windowStart,
      windowEnd: requireNumber(key, row.window_end, 'window_end', i),
      open: requireNumber(key, row.open, 'open', i),
      high: requireNumber(key, row.high, 'high', i),
      low: requireNumber(key, row.low, 'low', i),
      close: requireNumber(key, row.close, 'close', i),
      volume: requireNumber(key, row.volume, 'volume', i),
      vwap: row.vwap === null || row.vwap === undefined ? null : requireNumber(key, row.vwap, 'vwap', i),
      tradeCount: requireNumber(key, row.trade_count, 'trade_count', i),
    });
  });
  return bars;
}

async function decodeBars(store: ParquetLake, key: string, columns?: readonly string[]) {
  const bytes = await store.get(key);
  if (bytes === undefined) throw new UnreadableBarsError(key, 'the object disappeared after listing');
  try {
    return await store.decodeParquet(bytes, columns);
  } catch (err) {
    throw new UnreadableBarsError(key, err instanceof Error ? err.message : String(err));
  }
}

function requireNumber(key: string, value: unknown, column: string, row: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new UnreadableBarsError(key, `row ${row}: ${column} is ${String(value)}, not a finite number`);
}
