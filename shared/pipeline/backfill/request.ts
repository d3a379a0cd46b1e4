import { DEFAULT_ALLOWED_LATENESS_MS, DEFAULT_INTERVALS } from '../../config.js';
import { parseIntervals } from '../../domain/index.js';
import { BackfillRequestError } from './errors.js';
import type { BackfillRequest, PreparedBackfill } from './types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a request and fills in the defaults; throws {@link BackfillRequestError} naming the field. */
export function resolveBackfillRequest(request: BackfillRequest): Omit<PreparedBackfill, 'symbols'> {
  const date = (field: 'from' | 'to') => {
    const value = request?.[field];
    if (typeof value !== 'string' || !DATE.test(value) || utcDay(value) === undefined) {
      throw new BackfillRequestError(field, `expected a UTC date YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const from = date('from');
  const to = date('to');
  if (to < from) throw new BackfillRequestError('to', `${to} is before --from ${from}`);
  const intervals = request.intervals ?? DEFAULT_INTERVALS;
  try {
    parseIntervals(intervals);
  } catch (err) {
    throw new BackfillRequestError('intervals', err instanceof Error ? err.message : String(err));
  }
  const ms = (field: 'allowedLatenessMs' | 'dedupHorizonMs', fallback: number) => {
    const value = request[field] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new BackfillRequestError(field, `expected milliseconds ≥ 0, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const allowedLatenessMs = ms('allowedLatenessMs', DEFAULT_ALLOWED_LATENESS_MS);
  return {
    from,
    to,
    intervals: [...intervals],
    allowedLatenessMs,
    dedupHorizonMs: ms('dedupHorizonMs', allowedLatenessMs),
  };
}

/** Epoch ms of a YYYY-MM-DD date at 00:00 UTC, or undefined when there is no such day. */
export function utcDay(date: string): number | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? undefined : ms;
}

/** The dates from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = utcDay(from)!; day <= utcDay(to)!; day += 86_400_000)
    out.push(new Date(day).toISOString().slice(0, 10));
  return out;
}
