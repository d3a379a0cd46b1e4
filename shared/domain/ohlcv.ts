import type { Bar } from './types.js';

/**
 * OHLCV accumulators stored flat in a Float64Array, `OHLCV_FIELDS` numbers each, so adding a tick
 * allocates nothing. Open keeps the smallest ts (first arrival wins a tie), close the largest
 * (last arrival wins a tie), which is what docs/stream-contract.md#bars asks of a bar.
 */

export const COUNT = 0;
export const VOLUME = 1;
/** Σ price·size, for the vwap. */
export const PRICE_VOLUME = 2;
export const HIGH = 3;
export const LOW = 4;
export const OPEN_TS = 5;
export const OPEN = 6;
export const CLOSE_TS = 7;
export const CLOSE = 8;
export const OHLCV_FIELDS = 9;

/** Starts the accumulator at `base` with one tick. */
export function startOhlcv(acc: Float64Array, base: number, ts: number, price: number, size: number): void {
  acc[base + COUNT] = 1;
  acc[base + VOLUME] = size;
  acc[base + PRICE_VOLUME] = price * size;
  acc[base + HIGH] = price;
  acc[base + LOW] = price;
  acc[base + OPEN_TS] = ts;
  acc[base + OPEN] = price;
  acc[base + CLOSE_TS] = ts;
  acc[base + CLOSE] = price;
}

/** Adds one tick to a started accumulator at `base`. */
export function addToOhlcv(acc: Float64Array, base: number, ts: number, price: number, size: number): void {
  acc[base + COUNT]! += 1;
  acc[base + VOLUME]! += size;
  acc[base + PRICE_VOLUME]! += price * size;
  if (price > acc[base + HIGH]!) acc[base + HIGH] = price;
  if (price < acc[base + LOW]!) acc[base + LOW] = price;
  if (ts < acc[base + OPEN_TS]!) {
    acc[base + OPEN_TS] = ts;
    acc[base + OPEN] = price;
  }
  if (ts >= acc[base + CLOSE_TS]!) {
    acc[base + CLOSE_TS] = ts;
    acc[base + CLOSE] = price;
  }
}

/**
 * Merges the accumulator at `from[fromBase]` into `into[intoBase]`. Panes are merged in time
 * order and cover disjoint event-time ranges, so open/close ties between them cannot occur.
 */
export function mergeOhlcv(into: Float64Array, intoBase: number, from: Float64Array, fromBase: number): void {
  if (from[fromBase + COUNT] === 0) return;
  if (into[intoBase + COUNT] === 0) {
    for (let f = 0; f < OHLCV_FIELDS; f++) into[intoBase + f] = from[fromBase + f]!;
    return;
  }
  into[intoBase + COUNT]! += from[fromBase + COUNT]!;
  into[intoBase + VOLUME]! += from[fromBase + VOLUME]!;
  into[intoBase + PRICE_VOLUME]! += from[fromBase + PRICE_VOLUME]!;
  if (from[fromBase + HIGH]! > into[intoBase + HIGH]!) into[intoBase + HIGH] = from[fromBase + HIGH]!;
  if (from[fromBase + LOW]! < into[intoBase + LOW]!) into[intoBase + LOW] = from[fromBase + LOW]!;
  if (from[fromBase + OPEN_TS]! < into[intoBase + OPEN_TS]!) {
    into[intoBase + OPEN_TS] = from[fromBase + OPEN_TS]!;
    into[intoBase + OPEN] = from[fromBase + OPEN]!;
  }
  if (from[fromBase + CLOSE_TS]! >= into[intoBase + CLOSE_TS]!) {
    into[intoBase + CLOSE_TS] = from[fromBase + CLOSE_TS]!;
    into[intoBase + CLOSE] = from[fromBase + CLOSE]!;
  }
}

/** The bar of a non-empty accumulator. */
export function toBar(
  acc: Float64Array,
  base: number,
  symbol: string,
  interval: string,
  windowStart: number,
  windowEnd: number,
): Bar {
  const volume = acc[base + VOLUME]!;
  return {
    symbol,
    interval,
    windowStart,
    windowEnd,
    open: acc[base + OPEN]!,
    high: acc[base + HIGH]!,
    low: acc[base + LOW]!,
    close: acc[base + CLOSE]!,
    volume,
    vwap: volume === 0 ? null : acc[base + PRICE_VOLUME]! / volume,
    tradeCount: acc[base + COUNT]!,
  };
}
