import { parseEventTimeText } from '../../domain/event-time.js';
import type { FeedEvent } from './types.js';

/** The JSON object of a text frame, or the reason (text) why it holds none. */
export function frameObject(frame: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return `not JSON: ${excerpt(frame)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `not a JSON object: ${excerpt(frame)}`;
  }
  return value as Record<string, unknown>;
}

export function malformed(reason: string): FeedEvent {
  return { kind: 'malformed', reason };
}

/** A venue trade id: a non-negative safe integer (JSON number or decimal text). */
export function tradeIdOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Epoch ms from a JSON integer or ISO-8601 text (microsecond fractions truncated). */
export function tradeTimeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string') return parseEventTimeText(value) ?? undefined;
  return undefined;
}

/** A decimal the venue sends as text; kept as text for the tick validator to judge. */
export function decimalOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0 && value.length <= 64) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function excerpt(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
