import { parseInterval } from '../../domain/intervals.js';
import { InvalidPreprocessInputError } from './errors.js';
import type { PreprocessRequest } from './types.js';

export const DEFAULT_PREPROCESS_INTERVAL = '1m';
const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The request with its interval parsed and its bounds as epoch ms (undefined = open). */
export interface ResolvedRequest {
  readonly interval: string;
  /** Step between consecutive window starts: the slide for a sliding label. */
  readonly stepMs: number;
  readonly from?: number;
  readonly to?: number;
}

/**
 * Reads the execution input. `to` given as a bare date means the end of that UTC day, so
 * `{ from: '2024-01-01', to: '2024-01-31' }` is the whole of January.
 * @throws InvalidPreprocessInputError for a bad interval, bound, or from > to.
 */
export function resolveRequest(request: PreprocessRequest | null | undefined): ResolvedRequest {
  const input = request ?? {};
  const interval = input.interval ?? DEFAULT_PREPROCESS_INTERVAL;
  let stepMs: number;
  try {
    stepMs = parseInterval(interval).slideMs;
  } catch (err) {
    throw new InvalidPreprocessInputError('interval', interval, (err as Error).message);
  }
  const from = bound('from', input.from, 'start');
  const to = bound('to', input.to, 'end');
  if (from !== undefined && to !== undefined && from > to) {
    throw new InvalidPreprocessInputError('from', input.from, `a bound not after to (${input.to})`);
  }
  return { interval, stepMs, from, to };
}

function bound(field: string, value: string | number | undefined, edge: 'start' | 'end'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    throw new InvalidPreprocessInputError(field, value, 'integer epoch milliseconds');
  }
  if (/^-?\d+$/.test(value)) return bound(field, Number(value), edge);
  const ms = Date.parse(ISO_DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms)) {
    throw new InvalidPreprocessInputError(field, value, 'an ISO date (2024-01-02), ISO instant or epoch ms');
  }
  return ISO_DATE.test(value) && edge === 'end' ? ms + DAY_MS - 1 : ms;
}
