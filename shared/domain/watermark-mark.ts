import { describe, isRejection, parseSymbol } from './tick-fields.js';

/**
 * A watermark carried by the stream itself: "advance this symbol's watermark to at least W".
 * The idle flush publishes one, with the W it computed from processing time, into the symbol's
 * shard instead of closing windows itself. Every instance that processes the shard then sees the
 * same records in the same order, so bars stay a pure function of the records: a zombie or a retry
 * computes exactly what the winning instance wrote, and "sinks before the state commit" stays
 * exactly-once even for windows closed by processing time.
 */
export interface WatermarkMark {
  readonly symbol: string;
  /** Event time, epoch ms: windows with window_end ≤ it close. */
  readonly watermark: number;
}

/** The `tickflow` field's value that marks a record as a watermark, not a tick. */
export const WATERMARK_MARK_TYPE = 'watermark';

/** The record payload of a mark: `{"tickflow":"watermark","symbol":"BTC-USD","watermark":1717200000000}`. */
export function watermarkMarkPayload(mark: WatermarkMark): string {
  return JSON.stringify({ tickflow: WATERMARK_MARK_TYPE, symbol: mark.symbol, watermark: mark.watermark });
}

/** Outcome of reading a decoded JSON value as a mark. */
export type MarkReading =
  | { readonly kind: 'not-a-mark' }
  | { readonly kind: 'mark'; readonly mark: WatermarkMark }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Recognises a mark (an object whose `tickflow` field is `"watermark"`) and checks its fields. */
export function readWatermarkMark(value: unknown): MarkReading {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'not-a-mark' };
  const raw = value as Record<string, unknown>;
  if (raw.tickflow !== WATERMARK_MARK_TYPE) return { kind: 'not-a-mark' };
  const symbol = parseSymbol(raw.symbol);
  if (isRejection(symbol)) return { kind: 'invalid', reason: `watermark record: ${symbol.reason}` };
  if (typeof raw.watermark !== 'number' || !Number.isSafeInteger(raw.watermark)) {
    return {
      kind: 'invalid',
      reason: `watermark record: watermark must be integer epoch milliseconds (got ${describe(raw.watermark)})`,
    };
  }
  return { kind: 'mark', mark: { symbol, watermark: raw.watermark } };
}
