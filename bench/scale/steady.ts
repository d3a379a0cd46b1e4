import type { RunSample } from '../../local/run/local-run.js';
import { subtractUsage, type Usage } from '../../shared/cost/index.js';

/** What a live run did between two of its samples: the steady state once every warm-up has passed. */
export interface SteadyInterval {
  readonly fromMs: number;
  readonly toMs: number;
  /** The usage metered in the interval. */
  readonly usage: Usage;
  /** Ticks the producer published in the interval, and its rate. */
  readonly ticks: number;
  readonly ticksPerSecond: number;
  /** Ticks published but not yet applied when the interval began (its work is priced in the interval). */
  readonly backlogAtStart: number;
  readonly invocations: number;
  /** Mean Kinesis records per aggregator invocation: grows when the consumer falls behind. */
  readonly recordsPerBatch: number;
  /** Bronze compactor runs finished in the interval. */
  readonly compactions: number;
  /** Final bars emitted in the interval, by interval label. */
  readonly bars: Readonly<Record<string, number>>;
}

/**
 * The interval from the first sample at or after `fromMs` to the last sample (the end of the stream
 * phase). Throws when the samples leave no interval there.
 */
export function steadyInterval(samples: readonly RunSample[], fromMs: number): SteadyInterval {
  const start = samples.find((s) => s.atMs >= fromMs);
  const end = samples.at(-1);
  if (!start || !end || end.atMs <= start.atMs) {
    throw new Error(
      `no sampled interval from ${fromMs} ms: the stream phase ended at ${end?.atMs.toFixed(0) ?? 'no sample'} ms`,
    );
  }
  const seconds = (end.atMs - start.atMs) / 1000;
  const ticks = end.published - start.published;
  const invocations = end.invocations - start.invocations;
  const bars: Record<string, number> = {};
  for (const [label, n] of Object.entries(end.bars)) bars[label] = n - (start.bars[label] ?? 0);
  return {
    fromMs: start.atMs,
    toMs: end.atMs,
    usage: subtractUsage(end.usage, start.usage),
    ticks,
    ticksPerSecond: ticks / seconds,
    backlogAtStart: start.published - start.applied,
    invocations,
    compactions: end.compactions - start.compactions,
    recordsPerBatch: invocations === 0 ? 0 : (end.recordsDelivered - start.recordsDelivered) / invocations,
    bars,
  };
}

/**
 * The final bars an interval would have closed at the steady rate but did not (windows whose first
 * close falls after the run: 15-minute ones in a short run, 1-hour and 1-day ones in any run
 * shorter than their size plus the lateness). The steady rate of an interval of slide `s` is the
 * 1-minute bars' rate × 1 min / `s` (every symbol has ticks in every minute at the reference load).
 */
export function missingCloses(
  bars: Readonly<Record<string, number>>,
  intervals: readonly { readonly label: string; readonly slideMs: number }[],
  minuteLabel = '1m',
): Record<string, number> {
  const perMinute = bars[minuteLabel] ?? 0;
  const missing: Record<string, number> = {};
  for (const { label, slideMs } of intervals) {
    const expected = (perMinute * 60_000) / slideMs;
    const short = expected - (bars[label] ?? 0);
    if (short > 0) missing[label] = short;
  }
  return missing;
}
