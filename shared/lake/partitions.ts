/**
 * Partition keys of each dataset from domain values (docs/lake.md#layout). Each returns the folder key without a
 * trailing slash; append {@link partitionFileKey} for the file.
 */

import { type FeatureSplit, partitionKey, utcDate } from './keys.js';

/**
 * Folder of the gold bars of one interval, symbol and UTC date of `window_start`.
 * @example barsPartitionKey('1m', 'EUR/USD', Date.UTC(2024, 0, 2, 9, 30)) === 'bars/interval=1m/symbol=EUR%2FUSD/date=2024-01-02'
 */
export function barsPartitionKey(interval: string, symbol: string, windowStartMs: number): string {
  return partitionKey('bars', { interval, symbol, date: utcDate(windowStartMs) });
}

/** Folder of the bronze raw ticks of one symbol and UTC date of `ts`. */
export function ticksPartitionKey(symbol: string, tsMs: number): string {
  return partitionKey('ticks', { symbol, date: utcDate(tsMs) });
}

/** Folder of the late ticks of one interval, symbol and UTC date of the tick's `ts`. */
export function latePartitionKey(interval: string, symbol: string, tsMs: number): string {
  return partitionKey('late', { interval, symbol, date: utcDate(tsMs) });
}

/** Folder of the quarantined records of one UTC date of `arrival_time` (they have no valid event time). */
export function quarantinePartitionKey(arrivalTimeMs: number): string {
  return partitionKey('quarantine', { date: utcDate(arrivalTimeMs) });
}

/** Folder of one symbol's feature rows of one split. */
export function featuresPartitionKey(split: FeatureSplit, symbol: string): string {
  return partitionKey('features', { split, symbol });
}
