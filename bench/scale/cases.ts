import { DEFAULT_CONFIG } from '../../infra/config.js';
import { scheduledFunctions } from '../../infra/cost-inventory.js';
import type { MarketLoad } from '../../test/support/market-load.js';

/** One run of the scale suite: a generated market load through the whole local pipeline. */
export interface ScaleCase {
  readonly name: string;
  /** What the row says about the load. */
  readonly describe: string;
  readonly load: MarketLoad;
  /**
   * Live: the producer is held to the load's rate and the scheduled work runs at its deployed
   * cadence, so batches and invocations look like AWS's at that rate (the cost case). Otherwise the
   * file is replayed as fast as the pipeline takes it (the throughput cases).
   */
  readonly live: boolean;
  /** Start the serving store (a local Cassandra). */
  readonly serving: boolean;
  /** Check the metered cost against the targets (README "Cost"). */
  readonly costTargets: boolean;
  /** Run only when named (`--cases NAME`): not in the default list. */
  readonly optIn?: boolean;
  /** The run's allowed lateness (and so dedup horizon). @default the deployed one, 10 minutes */
  readonly allowedLatenessMs?: number;
  /** Price the interval of the live run from `fromMs` (processing time since the producer started) to its end. */
  readonly steady?: { readonly fromMs: number; readonly sampleEveryMs: number; readonly note: string };
}

const MINUTE_S = 60;
const span = (s: number) => (s >= MINUTE_S ? `${s / MINUTE_S} min` : `${s} s`);

/**
 * The three loads of README "Benchmarks" (scale rows). Every load has 32-hex-digit trade ids, 1%
 * producer retries and 2% of ticks arriving 60–90 s behind their symbol's newest (beyond the old
 * 60 s dedup horizon), and runs with the default settings: six intervals, 10-minute lateness, dedup
 * horizon = lateness, the deployed consumer's batch size and batching window.
 */
export function scaleCases(quick: boolean): ScaleCase[] {
  const hotSeconds = quick ? 1 * MINUTE_S : 10 * MINUTE_S;
  // Wide: long enough that every symbol has ticks in several 1-minute windows and 5-minute panes,
  // short enough for this machine: with 2,000 symbols every batch commits ~one state per symbol it
  // holds, so the run is bound by the local DynamoDB's write rate, not by the ticks.
  const wideSeconds = quick ? 20 : 2 * MINUTE_S;
  // Reference: several minutes of live batches so the per-batch writes reach their steady rate.
  const referenceSeconds = quick ? 30 : 3 * MINUTE_S;
  return [
    {
      name: 'hot',
      describe: `1 symbol, 5,000 ticks/s × ${span(hotSeconds)}`,
      load: { ticks: 5_000 * hotSeconds, rate: 5_000, symbols: 1, seed: 11 },
      live: false,
      serving: false,
      costTargets: false,
    },
    {
      name: 'wide',
      describe: `2,000 symbols × 1 tick/s × ${span(wideSeconds)}`,
      load: { ticks: 2_000 * wideSeconds, rate: 2_000, symbols: 2_000, seed: 12 },
      live: false,
      serving: false,
      costTargets: false,
    },
    {
      name: 'reference',
      describe: `100 symbols (Zipf 1.0), 1,000 ticks/s live × ${span(referenceSeconds)}, bronze + Cassandra, 1 shard`,
      load: { ticks: 1_000 * referenceSeconds, rate: 1_000, symbols: 100, zipf: 1, seed: 13 },
      live: true,
      serving: true,
      costTargets: true,
    },
    steadyCase(quick),
  ];
}

/**
 * The reference workload live for longer than the lateness, priced from lateness + 2 minutes to the
 * end: by then 1-minute and 5-minute bars close at their steady rate, so the interval pays for
 * closing bars (outputs, serving store, the materializer's rewrites) as a deployment does. The
 * interval lasts one period of the slowest scheduled function (materializer, compactor), so it holds
 * a run of each: with the deployed 5 minutes the run is 17 minutes live. The quick variant is a smoke
 * test, not the reference: 3 minutes live with a 1-minute lateness, priced from 2 minutes.
 */
function steadyCase(quick: boolean): ScaleCase {
  const latenessMin = quick ? 1 : 10;
  const fromMin = quick ? 2 : latenessMin + 2;
  const liveMin = quick ? 3 : fromMin + Math.max(...Object.values(scheduledFunctions(DEFAULT_CONFIG)));
  return {
    name: 'steady',
    describe: `reference workload live × ${liveMin} min, lateness ${latenessMin} min, priced from ${fromMin} min`,
    load: { ticks: 1_000 * liveMin * MINUTE_S, rate: 1_000, symbols: 100, zipf: 1, seed: 14 },
    live: true,
    serving: true,
    costTargets: false,
    optIn: true,
    allowedLatenessMs: latenessMin * MINUTE_S * 1000,
    steady: {
      fromMs: fromMin * MINUTE_S * 1000,
      sampleEveryMs: 10_000,
      note: quick
        ? 'smoke test, NOT the reference workload: lateness shortened to 1 min'
        : 'the reference workload with the default 10-minute lateness',
    },
  };
}
