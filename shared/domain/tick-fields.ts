import { parseEventTimeText } from './event-time.js';
import {
  DEFAULT_EVENT_TIME_RANGE,
  type EventTimeRange,
  inEventTimeRange,
  MAX_PRICE,
  MAX_SIZE,
  outOfRangeReason,
} from './tick-bounds.js';

/**
 * Parsers of the individual tick fields (docs/stream-contract.md#validation). Each returns the parsed
 * value or a `FieldRejection` whose reason names the field, what it must be, and what was received.
 * Besides the form they check plausibility: `ts` inside the accepted event times, price and size
 * at most 1e12 (see tick-bounds.ts for why those bounds keep the state readable).
 */

export type TickField = 'symbol' | 'ts' | 'price' | 'size' | 'id';

export interface FieldRejection {
  readonly field: TickField;
  readonly reason: string;
}

/** Longest trade id kept: ids live in the per-symbol dedup state, which must stay small. */
export const MAX_ID_LENGTH = 128;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isRejection(value: unknown): value is FieldRejection {
  return typeof value === 'object' && value !== null && 'reason' in value;
}

export function parseSymbol(value: unknown): string | FieldRejection {
  if (value === undefined || value === null) return reject('symbol', 'symbol is required');
  if (typeof value === 'string' && isSymbolText(value)) return value;
  return reject('symbol', `symbol must be 1–32 characters of A-Z a-z 0-9 . _ : / - (got ${describe(value)})`);
}

/**
 * Epoch ms from an integer or an ISO-8601 string, inside `range`. An integer outside it is named
 * with its likely unit (`ts 1795176499980000 looks like microseconds since the epoch: send
 * milliseconds`), also when it is too large to be exact (nanoseconds are).
 */
export function parseTs(
  value: unknown,
  range: EventTimeRange = DEFAULT_EVENT_TIME_RANGE,
): number | FieldRejection {
  if (value === undefined || value === null) return reject('ts', 'ts is required');
  let ts: number | null = null;
  if (typeof value === 'number' && Number.isInteger(value)) ts = value;
  else if (typeof value === 'string') ts = parseEventTimeText(value.trim()) ?? inexactInteger(value.trim());
  if (ts !== null) {
    if (Number.isSafeInteger(ts) && inEventTimeRange(ts, range)) return ts;
    const shown = typeof value === 'string' ? value.trim() : String(value);
    return reject('ts', outOfRangeReason(ts, shown.length > 40 ? `${shown.slice(0, 37)}...` : shown, range));
  }
  return reject(
    'ts',
    `ts must be integer epoch milliseconds or an ISO-8601 date-time (got ${describe(value)})`,
  );
}

export function parsePrice(value: unknown): number | FieldRejection {
  const price = parseDecimal(value);
  if (price !== null && Number.isFinite(price) && price > 0) {
    if (price <= MAX_PRICE) return price;
    return reject('price', `price must be at most 1e12 (got ${describe(value)})`);
  }
  return reject('price', `price must be a finite number > 0 (got ${describe(value)})`);
}

export function parseSize(value: unknown): number | FieldRejection {
  const size = parseDecimal(value);
  if (size !== null && Number.isFinite(size) && size >= 0) {
    // + 0 turns -0 into 0: a snapshot is JSON, which cannot carry -0.
    if (size <= MAX_SIZE) return size + 0;
    return reject('size', `size must be at most 1e12 (got ${describe(value)})`);
  }
  return reject('size', `size must be a finite number ≥ 0 (got ${describe(value)})`);
}

/** Trade id as a string; `undefined` when absent or null (such ticks are never deduplicated). */
export function parseId(value: unknown): string | undefined | FieldRejection {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH) return value;
  return reject(
    'id',
    `id must be a non-empty string of at most ${MAX_ID_LENGTH} characters or a number (got ${describe(value)})`,
  );
}

/** An integer too large to be exact (a timestamp in nanoseconds): close enough to name its unit. */
function inexactInteger(text: string): number | null {
  return INTEGER.test(text) ? Number(text) : null;
}

/** 1–32 characters of `[A-Za-z0-9._:/-]`, checked by code unit: no regex on the per-tick path. */
function isSymbolText(text: string): boolean {
  const length = text.length;
  if (length < 1 || length > 32) return false;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 0x61 && c <= 0x7a) || // a-z
      (c >= 0x41 && c <= 0x5a) || // A-Z
      (c >= 0x2d && c <= 0x3a) || // - . / 0-9 :
      c === 0x5f; // _
    if (!ok) return false;
  }
  return true;
}

/** A JSON number, or a string holding a plain decimal number as exchanges send (`"123.45"`). */
function parseDecimal(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    return DECIMAL.test(text) ? Number(text) : null;
  }
  return null;
}

function reject(field: TickField, reason: string): FieldRejection {
  return { field, reason };
}

/** A short rendering of a received value for a reason: strings quoted, long values cut. */
export function describe(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (Array.isArray(value)) text = 'an array';
  else if (typeof value === 'object' && value !== null) text = 'an object';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
