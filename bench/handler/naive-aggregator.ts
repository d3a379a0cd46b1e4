import type { KinesisStreamEvent } from 'aws-lambda';
import type { IntervalSpec } from '../../shared/domain/index.js';
import type { Bar } from '../../shared/domain/types.js';

interface OpenBar {
  readonly symbol: string;
  readonly interval: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  openTs: number;
  open: number;
  high: number;
  low: number;
  closeTs: number;
  close: number;
  volume: number;
  priceVolume: number;
  tradeCount: number;
}

/**
 * The reference of the handler benchmark: what one would write first. Each record is base64-decoded
 * and `JSON.parse`d, checked for the field types, and added to one bar object per window per interval
 * in a `Map` keyed by a string — a sliding interval touches every window holding the tick (no panes).
 * No watermark, no dedup, no state snapshots, no late output: it keeps every bar open forever.
 */
export class NaiveBarAggregator {
  private readonly bars = new Map<string, OpenBar>();
  rejected = 0;

  constructor(private readonly intervals: readonly IntervalSpec[]) {}

  /** Applies every record of a Lambda Kinesis event. */
  process(event: KinesisStreamEvent): void {
    for (const record of event.Records) {
      const tick = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
      const { symbol, ts, price, size } = tick;
      if (
        typeof symbol !== 'string' ||
        !Number.isFinite(ts) ||
        !(Number.isFinite(price) && price > 0) ||
        !(Number.isFinite(size) && size >= 0)
      ) {
        this.rejected++;
        continue;
      }
      for (const spec of this.intervals) {
        const last = Math.floor(ts / spec.slideMs) * spec.slideMs;
        for (let start = last - spec.sizeMs + spec.slideMs; start <= last; start += spec.slideMs) {
          this.add(symbol, spec, start, ts, price, size);
        }
      }
    }
  }

  /** Every bar so far, as domain bars. */
  result(): Bar[] {
    return [...this.bars.values()].map((b) => ({
      symbol: b.symbol,
      interval: b.interval,
      windowStart: b.windowStart,
      windowEnd: b.windowEnd,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      vwap: b.volume === 0 ? null : b.priceVolume / b.volume,
      tradeCount: b.tradeCount,
    }));
  }

  private add(
    symbol: string,
    spec: IntervalSpec,
    start: number,
    ts: number,
    price: number,
    size: number,
  ): void {
    const key = `${symbol}|${spec.label}|${start}`;
    const bar = this.bars.get(key);
    if (bar === undefined) {
      this.bars.set(key, {
        symbol,
        interval: spec.label,
        windowStart: start,
        windowEnd: start + spec.sizeMs,
        openTs: ts,
        open: price,
        high: price,
        low: price,
        closeTs: ts,
        close: price,
        volume: size,
        priceVolume: price * size,
        tradeCount: 1,
      });
      return;
    }
    if (ts < bar.openTs) {
      bar.openTs = ts;
      bar.open = price;
    }
    if (ts >= bar.closeTs) {
      bar.closeTs = ts;
      bar.close = price;
    }
    if (price > bar.high) bar.high = price;
    if (price < bar.low) bar.low = price;
    bar.volume += size;
    bar.priceVolume += price * size;
    bar.tradeCount++;
  }
}
