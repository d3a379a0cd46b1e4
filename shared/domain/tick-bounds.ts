import { DEFAULT_EVENT_TIME_FROM_MS, DEFAULT_EVENT_TIME_TO_MS } from '../config.js';

/**
 * Plausibility bounds of the tick contract (README, "The stream contract"). They keep absurd but
 * well-formed values out of the state: with price and size at most 1e12, price·size is at most
 * 1e24 and a window's Σ price·size stays below 1e24 × its tick count, far from the largest double
 * (1.8e308), so every number a snapshot holds is finite and reads back.
 */

/** Largest price accepted (and the smallest is any number > 0). */
export const MAX_PRICE = 1e12;
/** Largest size accepted (sizes may be 0). */
export const MAX_SIZE = 1e12;

/** Event times a tick may carry: `fromMs` ≤ ts < `toMs`, epoch ms UTC. */
export interface EventTimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** [2000-01-01, 2100-01-01) unless configured otherwise (shared/config.ts). */
export const DEFAULT_EVENT_TIME_RANGE: EventTimeRange = {
  fromMs: DEFAULT_EVENT_TIME_FROM_MS,
  toMs: DEFAULT_EVENT_TIME_TO_MS,
};

/** True when `ts` lies in the range. */
export function inEventTimeRange(ts: number, range: EventTimeRange): boolean {
  return ts >= range.fromMs && ts < range.toMs;
}

/**
 * Why `ts` (an integer outside the range) is not accepted, naming the likely mistake when rescaling
 * it by a common unit lands it in the range:
 * `ts 1795176499980000 looks like microseconds since the epoch: send milliseconds`.
 */
export function outOfRangeReason(ts: number, shown: string, range: EventTimeRange): string {
  const unit = likelyUnit(ts, range);
  if (unit !== null) return `ts ${shown} looks like ${unit} since the epoch: send milliseconds`;
  return `ts ${shown} is outside the accepted event times [${isoDate(range.fromMs)}, ${isoDate(range.toMs)})`;
}

const UNITS: readonly (readonly [name: string, msPerUnit: number])[] = [
  ['seconds', 1_000],
  ['microseconds', 1e-3],
  ['nanoseconds', 1e-6],
];

function likelyUnit(ts: number, range: EventTimeRange): string | null {
  for (const [name, msPerUnit] of UNITS) {
    if (inEventTimeRange(Math.floor(ts * msPerUnit), range)) return name;
  }
  return null;
}

function isoDate(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith('T00:00:00.000Z') ? text.slice(0, 10) : text;
}

/**
 * The live-mode clock check: a tick stamped more than `maxSkewMs` after its record reached the
 * stream comes from a producer whose clock runs ahead, and applying it would move the symbol's
 * watermark into the future (every later honest tick would be late). Returns the reason to
 * quarantine it, or null when it is plausible. Pure: the caller knows the arrival time (the
 * record's ApproximateArrivalTimestamp) and decides whether the check is on; a replay of historical
 * data through a stream must not run it.
 */
export function futureSkewReason(ts: number, arrivalTimeMs: number, maxSkewMs: number): string | null {
  const ahead = ts - arrivalTimeMs;
  if (ahead <= maxSkewMs) return null;
  return (
    `ts ${new Date(ts).toISOString()} is ${formatMs(ahead)} ahead of the record's arrival at ` +
    `${new Date(arrivalTimeMs).toISOString()} (at most ${formatMs(maxSkewMs)} allowed): check the producer's clock`
  );
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}
