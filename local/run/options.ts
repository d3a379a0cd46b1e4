import {
  DEFAULT_CONFIG,
  type EventSourceMappingSettings,
  eventSourceMapping,
  resolveConfig,
  type TickflowConfig,
} from '../../infra/config.js';
import type { LambdaSizing } from '../../infra/cost-inventory.js';
import { lambdaSizing } from '../../infra/cost-inventory.js';
import type { Usage } from '../../shared/cost/index.js';
import {
  type AggregatorConfig,
  aggregatorConfig,
  isSliding,
  parseIntervals,
} from '../../shared/domain/index.js';
import {
  AlertConfigError,
  DEFAULT_MARKET_ALERT_CONFIG,
  type MarketAlertConfig,
  validateAlertConfig,
} from '../../shared/domain/market-alerts/index.js';
import type { EventTimeRange } from '../../shared/domain/tick-bounds.js';
import type { SimulationOptions } from '../../shared/producer/simulator.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import type { LocalServing } from './serving.js';

export type RunSource =
  | { readonly kind: 'simulate'; readonly simulation: SimulationOptions }
  | { readonly kind: 'replay'; readonly file: string }
  /** Records from elsewhere, e.g. an exchange feed (shared/adapters/exchange-feed.ts); ends when they end. */
  | { readonly kind: 'feed'; readonly records: AsyncIterable<ProducerRecord>; readonly describe: string };

export interface LocalRunOptions {
  readonly source: RunSource;
  /** Output directory: `lake/`, `summary.json`, `failed-batches/` (the on-failure destination). */
  readonly out: string;
  /**
   * The stream: Kinesis (kinesalite) or Kafka (a local Apache Kafka broker, which needs Java 17+).
   * @default 'kinesis'
   */
  readonly stream?: 'kinesis' | 'kafka';
  /** Kinesis shards, or Kafka partitions of the tick topic. @default LOCAL_RUN_DEFAULTS.shards */
  readonly shards?: number;
  /** Records per invocation. @default the deployed consumer's (`DEFAULT_CONFIG.consumer` in infra/config.ts) */
  readonly batchSize?: number;
  /**
   * Lambda's MaximumBatchingWindowInSeconds, in ms: a batch is invoked when it is full, reaches the
   * payload limit, or has waited this long. @default LOCAL_RUN_DEFAULTS.maximumBatchingWindowMs (AWS: the deployed consumer's)
   */
  readonly maximumBatchingWindowMs?: number;
  /** @default the deployed intervals (`DEFAULT_CONFIG.intervals`) */
  readonly intervals?: readonly string[];
  readonly allowedLatenessMs?: number;
  readonly dedupHorizonMs?: number;
  /** Accepted event times [from, to), epoch ms. @default [2000-01-01, 2100-01-01) */
  readonly eventTimeRange?: EventTimeRange;
  /**
   * Live mode only (a simulation with a `rate`): quarantine ticks stamped more than this far ahead
   * of their arrival in Kinesis. A replay is never checked: it is a pure function of its file.
   * @default the deployed limit, 5 minutes (shared/config.ts)
   */
  readonly maxFutureSkewMs?: number;
  /** Ticks per second the producer publishes (live mode for a simulation); unlimited when absent. */
  readonly rate?: number;
  /**
   * Run the scheduled work (idle watermark marks, lake refresh) while the stream flows, as AWS does.
   * @default true for a simulation with a `rate`, false otherwise
   */
  readonly live?: boolean;
  /** Processing time between two rounds of that scheduled work. @default LOCAL_RUN_DEFAULTS.scheduleEveryMs (AWS: every `materializerMinutes`, 5 minutes) */
  readonly scheduleEveryMs?: number;
  /**
   * Processing time between two runs of the bronze compactor while the stream flows, as its scheduled
   * function runs in AWS (every `compactorMinutes`): the runs' requests are metered with the stream's. Live or
   * not, the compactor also runs once after the stream phase, for what is still staged.
   * @default none: the compactor runs only after the stream phase
   */
  readonly compactEveryMs?: number;
  /** Ticks packed per Kinesis record (JSON arrays). @default LOCAL_RUN_DEFAULTS.pack */
  readonly pack?: number;
  /** Probability that a state or sink write fails (half before, half after it takes effect). @default 0 */
  readonly chaos?: number;
  /**
   * Retries of a failed batch before its records go to the on-failure destination, as the event source
   * mapping's MaximumRetryAttempts. @default the deployed consumer's, unlimited under `chaos`
   */
  readonly maxRetryAttempts?: number;
  readonly seed?: number | string;
  /** Idle timeout of the live idle flush (processing time). @default the deployed one (`DEFAULT_CONFIG.idleTimeoutMs`) */
  readonly idleTimeoutMs?: number;
  /** Market-alert thresholds and the interval watched (docs/market-alerts.md). @default DEFAULT_MARKET_ALERT_CONFIG */
  readonly alerts?: MarketAlertConfig;
  /** Serving store to write forming and final bars to; its lifetime is the caller's. */
  readonly serving?: LocalServing;
  /**
   * Called once when the stream phase ends (every record consumed, before the final flush), with the
   * usage metered so far: the cost of live batches and scheduled rounds without the end-of-run drain.
   */
  readonly onStreamPhaseEnd?: (usage: Usage, streamMs: number) => void;
  /** Progress: ticks published and ticks applied so far. */
  readonly onProgress?: (p: RunProgress) => void;
  /**
   * Snapshots of the meter while the stream flows, to price an interval of a live run: `onSample`
   * is called every `everyMs` of processing time from the producer's start, and once more when the
   * stream phase ends (before the final flush).
   */
  readonly usageSamples?: { readonly everyMs: number; readonly onSample: (s: RunSample) => void };
}

/** The run's counters at one moment of its stream phase. */
export interface RunSample {
  /** Processing time since the producer started, ms. */
  readonly atMs: number;
  /** The usage metered so far. */
  readonly usage: Usage;
  /** Ticks the producer published so far. */
  readonly published: number;
  /** Ticks the aggregator applied so far (valid and quarantined). */
  readonly applied: number;
  /** Final bars the aggregator emitted so far, by interval label. */
  readonly bars: Readonly<Record<string, number>>;
  /** Aggregator invocations so far, and the Kinesis records delivered to them. */
  readonly invocations: number;
  readonly recordsDelivered: number;
  /** Bronze compactor runs finished so far. */
  readonly compactions: number;
}

export interface RunProgress {
  readonly phase: 'stream' | 'flush' | 'materialize' | 'export';
  readonly published: number;
  readonly applied: number;
  readonly totalHint?: number;
  readonly barsInLake: number;
}

/**
 * What only the local run decides. Everything else (intervals, lateness, idle timeout, skew limit,
 * the event source mapping but its batching window, function sizes) is the deployed stack's default
 * from `infra/config.ts`.
 */
export const LOCAL_RUN_DEFAULTS = {
  /** Kinesis shards of the emulated stream (the deployed stream starts with one). */
  shards: 2,
  /** Ticks per Kinesis record. */
  pack: 100,
  /** Processing time between two live rounds of the scheduled work: a run lasts seconds, not hours. */
  scheduleEveryMs: 2_000,
  /**
   * The event source mapping's batching window. A replay's records are all on the stream at once and
   * a run lasts seconds, so it waits no longer than this for a batch to fill; a run that models AWS's
   * batches (the cost bench) passes the deployed window (`consumer.maxBatchingWindowSeconds`, 20 s).
   */
  maximumBatchingWindowMs: 1_000,
  /** The CLI's idle timeout: short enough to see a quiet symbol's bars close during a run. */
  cliIdleTimeoutMs: 10_000,
  seed: 1,
  /** Backoff between retries of a failed batch, shorter than Lambda's so a chaos run stays quick. */
  retryBackoff: { initialMs: 5, maxMs: 200 },
} as const;

/** The options with every default applied. */
export interface RunSettings {
  readonly engine: AggregatorConfig;
  /** The deployed configuration with the run's intervals: function sizes and the always-on inventory. */
  readonly deployConfig: TickflowConfig;
  readonly sizing: LambdaSizing;
  /** Both consumers' event source mapping: the deployed one, with the run's batching and retries. */
  readonly mapping: EventSourceMappingSettings;
  readonly live: boolean;
  readonly shards: number;
  readonly pack: number;
  readonly scheduleEveryMs: number;
  readonly compactEveryMs: number | undefined;
  readonly idleTimeoutMs: number;
  readonly maxFutureSkewMs: number | undefined;
  readonly seed: number | string;
  readonly chaos: number;
  readonly alerts: MarketAlertConfig;
}

export function resolveRunSettings(options: LocalRunOptions): RunSettings {
  const chaos = options.chaos ?? 0;
  const engine = aggregatorConfig({
    intervals: parseIntervals(options.intervals ?? DEFAULT_CONFIG.intervals),
    allowedLatenessMs: options.allowedLatenessMs,
    dedupHorizonMs: options.dedupHorizonMs,
    eventTimeRange: options.eventTimeRange,
  });
  const alerts = validateAlertConfig(options.alerts ?? DEFAULT_MARKET_ALERT_CONFIG);
  const watched = engine.intervals.find((i) => i.label === alerts.interval);
  if (!watched || isSliding(watched))
    throw new AlertConfigError(
      'interval',
      alerts.interval,
      `a tumbling interval the run aggregates (${engine.intervals.map((i) => i.label).join(', ')})`,
    );
  const live = options.live ?? (options.source.kind === 'simulate' && options.rate !== undefined);
  const deployConfig = resolveConfig({ intervals: engine.intervals.map((i) => i.label) });
  const deployed = eventSourceMapping(deployConfig.consumer);
  const skew = DEFAULT_CONFIG.maxFutureSkewMs;
  return {
    engine,
    deployConfig,
    sizing: lambdaSizing(deployConfig),
    mapping: {
      ...deployed,
      batchSize: options.batchSize ?? deployed.batchSize,
      maximumBatchingWindowMs: options.maximumBatchingWindowMs ?? LOCAL_RUN_DEFAULTS.maximumBatchingWindowMs,
      // Injected faults are transient: unless told otherwise, retry until they pass.
      maximumRetryAttempts: options.maxRetryAttempts ?? (chaos > 0 ? -1 : deployed.maximumRetryAttempts),
    },
    live,
    shards: options.shards ?? LOCAL_RUN_DEFAULTS.shards,
    pack: options.pack ?? LOCAL_RUN_DEFAULTS.pack,
    scheduleEveryMs: options.scheduleEveryMs ?? LOCAL_RUN_DEFAULTS.scheduleEveryMs,
    compactEveryMs:
      options.compactEveryMs === undefined ? undefined : every('compactEveryMs', options.compactEveryMs),
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_CONFIG.idleTimeoutMs,
    maxFutureSkewMs: live ? (options.maxFutureSkewMs ?? (skew === 'off' ? undefined : skew)) : undefined,
    seed: options.seed ?? LOCAL_RUN_DEFAULTS.seed,
    chaos,
    alerts,
  };
}

function every(option: string, ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new RangeError(`${option} must be a duration above 0 ms, got ${ms}`);
  return ms;
}
