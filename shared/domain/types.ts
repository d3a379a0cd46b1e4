/**
 * The vocabulary of the stream contract (docs/stream-contract.md). Pure data: no AWS, no I/O.
 * Times are epoch milliseconds UTC.
 */

/** One trade or quote, after validation. */
export interface Tick {
  readonly symbol: string;
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  /** Producer trade id, unique per symbol; ticks without one are never deduplicated. */
  readonly id?: string;
}

/** Where a tick came from in the stream: used for exactly-once bookkeeping and for the late/quarantine outputs. */
export interface TickOrigin {
  readonly shardId: string;
  /** Kinesis sequence number (a decimal string of up to 128 bits). */
  readonly sequenceNumber: string;
  /** Index of the tick inside a multi-tick record (JSON array or KPL aggregate); 0 for a single tick. */
  readonly subIndex: number;
  /** ApproximateArrivalTimestamp, epoch ms. */
  readonly arrivalTime: number;
}

/** A closed (final) or forming OHLCV bar of one symbol, interval and window. */
export interface Bar {
  readonly symbol: string;
  /** Interval label: `1m`, `5m`, `5m_1m`, … */
  readonly interval: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Σ price·size / Σ size; null when volume is 0. */
  readonly vwap: number | null;
  readonly tradeCount: number;
}

/** A valid tick that reached none of its windows of one interval: they were all closed. */
export interface LateTick {
  readonly tick: Tick;
  readonly interval: string;
  /** The symbol's watermark when the tick was applied. */
  readonly watermark: number;
}

/** A record that failed validation; it never reaches a bar. */
export interface QuarantinedRecord {
  /** The payload as received (UTF-8 text, or base64 when not valid UTF-8). */
  readonly raw: string;
  readonly reason: string;
  /** The offending field, when one can be named. */
  readonly field?: string;
}
