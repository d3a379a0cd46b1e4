import {
  DEFAULT_EVENT_TIME_RANGE,
  type EventTimeRange,
  inEventTimeRange,
  outOfRangeReason,
} from './tick-bounds.js';
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
 * Validates one decoded value against the tick contract (docs/stream-contract.md#validation). Bad input
 * is data: the result says which field was wrong and why, e.g. `price must be a finite number > 0
 * (got "-3")` or `ts 1795176499980000 looks like microseconds since the epoch: send milliseconds`.
 * Numeric strings are accepted for price and size, an integer or ISO-8601 string for ts (inside
 * `eventTimes`), and a number id becomes a string. Unknown extra fields are ignored.
 *
 * @example validateTick({ symbol: 'BTC-USD', ts: '2024-03-01T12:00:00Z', price: '61000.5', size: 0.2 })
 */
export function validateTick(
  value: unknown,
  eventTimes: EventTimeRange = DEFAULT_EVENT_TIME_RANGE,
): TickValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `tick must be a JSON object (got ${describe(value)})` };
  }
  const raw = value as Record<string, unknown>;
  const symbol = parseSymbol(raw.symbol);
  if (isRejection(symbol)) return failure(symbol);
  const ts = parseTs(raw.ts, eventTimes);
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

/**
 * One record payload: candidate ticks, or a watermark carried by the stream (see `WatermarkMark`).
 * `elements` holds the decoded elements of a packed (JSON array) payload, one per candidate, so the
 * raw text of a rejected element can be kept without parsing the payload again (`elementText`).
 */
export type DecodedPayload =
  | { readonly kind: 'ticks'; readonly ticks: TickValidation[]; readonly elements?: readonly unknown[] }
  | { readonly kind: 'watermark'; readonly mark: WatermarkMark };

/**
 * Most candidate ticks one payload may pack. A 1 MB record can hold 250,000 tiny JSON values; each
 * would be a quarantine item of its own, a write load that could outlast the function's timeout
 * and block the shard. A larger array is quarantined whole, as one candidate (raw text kept).
 */
export const MAX_TICKS_PER_PAYLOAD = 10_000;

/**
 * Decodes the UTF-8 text of one Kinesis record: a JSON object (one tick, or a watermark mark) or a
 * JSON array of objects (several ticks packed by the producer), each element validated on its own.
 * Text that is not JSON, an empty or oversized array or a malformed mark yields a single failed
 * candidate tick, so the record is quarantined, not lost.
 */
export function decodeRecordPayload(
  text: string,
  eventTimes: EventTimeRange = DEFAULT_EVENT_TIME_RANGE,
): DecodedPayload {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return { kind: 'ticks', ticks: [{ ok: false, reason: 'payload is not JSON' }] };
  }
  if (Array.isArray(decoded)) {
    if (decoded.length === 0)
      return { kind: 'ticks', ticks: [{ ok: false, reason: 'payload is an empty JSON array' }] };
    if (decoded.length > MAX_TICKS_PER_PAYLOAD) {
      const reason = `payload packs ${decoded.length} values; at most ${MAX_TICKS_PER_PAYLOAD} ticks per record`;
      return { kind: 'ticks', ticks: [{ ok: false, reason }] };
    }
    return { kind: 'ticks', ticks: decoded.map((v) => validateTick(v, eventTimes)), elements: decoded };
  }
  const mark = readWatermarkMark(decoded);
  if (mark.kind === 'mark') {
    // A mark moves the watermark as a tick would: it must be a plausible event time too.
    const w = mark.mark.watermark;
    if (inEventTimeRange(w, eventTimes)) return { kind: 'watermark', mark: mark.mark };
    const reason = `watermark record: ${outOfRangeReason(w, String(w), eventTimes).replace(/^ts /, 'watermark ')}`;
    return { kind: 'ticks', ticks: [{ ok: false, reason }] };
  }
  if (mark.kind === 'invalid') return { kind: 'ticks', ticks: [{ ok: false, reason: mark.reason }] };
  return { kind: 'ticks', ticks: [validateTick(decoded, eventTimes)] };
}

/**
 * The JSON text of one element of a packed payload, for the quarantine. An element nested too deep
 * for `JSON.stringify` (a hostile payload) is described instead: the record's raw payload is the
 * reference then.
 */
export function elementText(element: unknown): string {
  try {
    return JSON.stringify(element) ?? String(element);
  } catch {
    return `(an element too deeply nested to print: ${describe(element)})`;
  }
}

function failure(rejection: { field: TickField; reason: string }): TickValidation {
  return { ok: false, reason: rejection.reason, field: rejection.field };
}
