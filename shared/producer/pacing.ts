import { isTickObject, type ProducerRecord } from './types.js';

/**
 * How fast a live producer releases records:
 * - `rate`: a steady `perSecond` records per second of processing (wall-clock) time;
 * - `event-time`: a record is released when the wall clock has advanced `(ts − first ts) / speedup`
 *   since the first one, so event time runs `speedup`× faster than wall time (the seeds ran 10×).
 */
export type PacingPlan =
  | { readonly kind: 'rate'; readonly perSecond: number }
  | { readonly kind: 'event-time'; readonly speedup: number };

/** Milliseconds of a monotonic clock. */
export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

export const monotonicClock: Clock = () => performance.now();
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Computes how long to wait before each release; pure given its clock. A rate pacer that fell
 * behind by more than a second (a stalled consumer) restarts its schedule rather than bursting.
 */
export class Pacer {
  private origin: number | undefined;
  private firstTs: number | undefined;
  private released = 0;

  constructor(
    private readonly plan: PacingPlan,
    private readonly clock: Clock = monotonicClock,
  ) {
    const value = plan.kind === 'rate' ? plan.perSecond : plan.speedup;
    if (!(Number.isFinite(value) && value > 0))
      throw new RangeError(`pacing ${plan.kind} must be > 0, got ${value}`);
  }

  /**
   * Milliseconds to wait before releasing `units` more records (rate plan) or a record with event
   * time `ts` (event-time plan; records without a readable ts, or earlier than the schedule, go at once).
   */
  delayBefore(units: number, ts?: number): number {
    const now = this.clock();
    if (this.plan.kind === 'rate') {
      if (this.origin === undefined || now - this.due() > 1_000) {
        this.origin = now;
        this.released = 0;
      }
      const wait = Math.max(0, this.due() - now);
      this.released += units;
      return wait;
    }
    if (ts === undefined) return 0;
    if (this.origin === undefined || this.firstTs === undefined) {
      this.origin = now;
      this.firstTs = ts;
    }
    return Math.max(0, this.origin + (ts - this.firstTs) / this.plan.speedup - now);
  }

  private due(): number {
    return this.origin! + (this.released * 1_000) / (this.plan as { perSecond: number }).perSecond;
  }
}

/** Event time of a record as epoch ms when its payload has a readable `ts` (number, numeric text or ISO-8601). */
export function eventTimeOf(record: ProducerRecord): number | undefined {
  if (!isTickObject(record.payload)) return undefined;
  const ts = record.payload.ts;
  if (typeof ts === 'number') return Number.isFinite(ts) ? ts : undefined;
  if (typeof ts !== 'string' || ts.trim() === '') return undefined;
  const n = /^\d+$/.test(ts.trim()) ? Number(ts) : Date.parse(ts);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Releases `source` records at the pace of `plan`.
 * @example for await (const r of pace(sim.records(), { kind: 'event-time', speedup: 10 })) …
 */
export async function* pace(
  source: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>,
  plan: PacingPlan,
  clock: Clock = monotonicClock,
  wait: Sleep = sleep,
): AsyncGenerator<ProducerRecord> {
  const pacer = new Pacer(plan, clock);
  for await (const record of source) {
    const delay = pacer.delayBefore(1, plan.kind === 'event-time' ? eventTimeOf(record) : undefined);
    if (delay > 0) await wait(delay);
    yield record;
  }
}
