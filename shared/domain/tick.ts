import {
  describe,
  isRejection,
  parseId,
  parsePrice,
  parseSize,
  parseSymbol,
  parseTs,
  type TickField,
} from './tick-fields.js';
import type { Tick } from './types.js';
import { readWatermarkMark, type WatermarkMark } from './watermark-mark.js';

/** Outcome of validating one candidate tick: the tick, or why it goes to quarantine. */
export type TickValidation = { ok: true; tick: Tick } | { ok: false; reason: string; field?: TickField };

/**
 * Validates one decoded value against the tick contract (docs/stream-contract.md#validation). Bad input is data: the result
 * says which field was wrong and why, e.g. `price must be a finite number > 0 (got "-3")`.
 * Numeric strings are accepted for price and size, an integer or ISO-8601 string for ts, and a
 * number id becomes a string. Unknown extra fields are ignored.
 *
 * @example validateTick({ symbol: 'BTC-USD', ts: '2024-03-01T12:00:00Z', price: '61000.5', size: 0.2 })
 */
export function validateTick(value: unknown): TickValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `tick must be a JSON object (got ${describe(value)})` };
  }
  const raw = value as Record<string, unknown>;
  const symbol = parseSymbol(raw.symbol);
  if (isRejection(symbol)) return failure(symbol);
  const ts = parseTs(raw.ts);
  if (isRejection(ts)) return failure(ts);
  const price = parsePrice(raw.price);
  if (isRejection(price)) return failure(price);
  const size = parseSize(raw.size);
  if (isRejection(size)) return failure(size);
  const id = parseId(raw.id);
  if (isRejection(id)) return failure(id);
  const tick: Tick = id === undefined ? { symbol, ts, price, size } : { symbol, ts, price, size, id };
  return { ok: true, tick };
}

/** One record payload: candidate ticks, or a watermark carried by the stream (see `WatermarkMark`). */
export type DecodedPayload =
  | { readonly kind: 'ticks'; readonly ticks: TickValidation[] }
  | { readonly kind: 'watermark'; readonly mark: WatermarkMark };

/**
 * Decodes the UTF-8 text of one Kinesis record: a JSON object (one tick, or a watermark mark) or a
 * JSON array of objects (several ticks packed by the producer), each element validated on its own.
 * Text that is not JSON, an empty array or a malformed mark yields a single failed candidate tick,
 * so the record is quarantined, not lost.
 */
export function decodeRecordPayload(text: string): DecodedPayload {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return { kind: 'ticks', ticks: [{ ok: false, reason: 'payload is not JSON' }] };
  }
  if (Array.isArray(decoded)) {
    if (decoded.length === 0)
      return { kind: 'ticks', ticks: [{ ok: false, reason: 'payload is an empty JSON array' }] };
    return { kind: 'ticks', ticks: decoded.map(validateTick) };
  }
  const mark = readWatermarkMark(decoded);
  if (mark.kind === 'mark') return { kind: 'watermark', mark: mark.mark };
  if (mark.kind === 'invalid') return { kind: 'ticks', ticks: [{ ok: false, reason: mark.reason }] };
  return { kind: 'ticks', ticks: [validateTick(decoded)] };
}

function failure(rejection: { field: TickField; reason: string }): TickValidation {
  return { ok: false, reason: rejection.reason, field: rejection.field };
}
