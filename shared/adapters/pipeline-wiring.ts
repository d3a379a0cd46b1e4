import {
  DEFAULT_FORMING_UPSERT_PERIOD_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_FUTURE_SKEW_MS,
  HANDLER_ENV,
} from '../config.js';
import { type AggregatorConfig, aggregatorConfig, parseIntervals } from '../domain/index.js';
import { AggregationService } from '../pipeline/aggregation-service.js';
import { domainEngineFactory } from '../pipeline/domain-engine.js';
import { LakeMaterializer } from '../pipeline/lake-materializer.js';
import type { ServingSink } from '../pipeline/ports.js';
import { type AwsClientConfig, createDocumentClient, createS3Client } from './aws-clients.js';
import { type FaultInjector, injectWriteFaults } from './chaos.js';
import { processUsageMeter } from './cost/usage-meter.js';
import { DynamoOutputStore } from './dynamo/output-store.js';
import { DynamoStateStore } from './dynamo/state-store.js';
import { ConfigurationError, integer, optionalString, requireString, stringList } from './env.js';
import { eventTimeRangeFromEnv } from './event-times-env.js';
import { logUnusableState } from './metrics.js';
import { parquetLake } from './parquet/lake.js';
import { S3ObjectStore } from './s3-object-store.js';
import { servingConfigFromEnv } from './serving/env.js';

/** Where the aggregation keeps its state and outputs (the aggregator Lambda needs nothing else). */
export interface AggregationResources {
  readonly stateTable: string;
  readonly seenIdsTable: string;
  readonly outputTable: string;
  /** Days an outputs item stays in the table (TTL). @default kept forever */
  readonly outputsRetentionDays?: number;
}

/** The aggregation's resources plus the lake the materializer writes. */
export interface PipelineResources extends AggregationResources {
  readonly lakeBucket: string;
}

export interface PipelineSettings {
  readonly engine: AggregatorConfig;
  readonly idleTimeoutMs: number;
  /** @default DEFAULT_FORMING_UPSERT_PERIOD_MS */
  readonly formingUpsertPeriodMs?: number;
  /**
   * Live skew check: ticks stamped more than this far ahead of their record's arrival are
   * quarantined. The deployed aggregator has it on; absent = off (a replay of historical files).
   */
  readonly maxFutureSkewMs?: number;
}

export interface AggregationWiringOptions extends AggregationResources, PipelineSettings {
  readonly aws?: AwsClientConfig;
  readonly serving?: ServingSink;
  /** Fault injection on every DynamoDB and S3 write (`--chaos`). */
  readonly faults?: FaultInjector;
  readonly onSymbolError?: (symbol: string, err: unknown) => void;
}

export interface PipelineWiringOptions extends AggregationWiringOptions {
  readonly lakeBucket: string;
}

/** The wired aggregation: the service and the DynamoDB stores it writes through. */
export interface Aggregation {
  readonly service: AggregationService;
  readonly outputs: DynamoOutputStore;
  readonly state: DynamoStateStore;
}

/** The wired pipeline: what a handler or the local run calls. */
export interface Pipeline extends Aggregation {
  readonly lake: S3ObjectStore;
  readonly materializer: LakeMaterializer;
}

/** Builds the DynamoDB stores and the aggregation service over one client (created once, reused). */
export function wireAggregation(opts: AggregationWiringOptions): Aggregation {
  const doc = createDocumentClient(opts.aws);
  if (opts.faults) injectWriteFaults(doc, opts.faults);
  const state = new DynamoStateStore(doc, opts.stateTable, opts.seenIdsTable);
  const outputs = new DynamoOutputStore(
    doc,
    opts.outputTable,
    Date.now,
    opts.outputsRetentionDays === undefined ? undefined : opts.outputsRetentionDays * 86_400_000,
  );
  const service = new AggregationService({
    state,
    outputs,
    serving: opts.serving,
    engine: domainEngineFactory(opts.engine),
    idleTimeoutMs: opts.idleTimeoutMs,
    formingUpsertPeriodMs: opts.formingUpsertPeriodMs ?? DEFAULT_FORMING_UPSERT_PERIOD_MS,
    onSymbolError: opts.onSymbolError,
    onUnusableState: (state) => logUnusableState(state),
    eventTimeRange: opts.engine.eventTimeRange,
    maxFutureSkewMs: opts.maxFutureSkewMs,
  });
  return { service, outputs, state };
}

/** The aggregation plus the lake bucket and the materializer that writes it. */
export function wirePipeline(opts: PipelineWiringOptions): Pipeline {
  const aggregation = wireAggregation(opts);
  const s3 = createS3Client(opts.aws);
  if (opts.faults) injectWriteFaults(s3, opts.faults);
  const lake = new S3ObjectStore(s3, opts.lakeBucket);
  return {
    ...aggregation,
    lake,
    materializer: new LakeMaterializer(
      aggregation.outputs,
      parquetLake(lake),
      4,
      aggregation.outputs.retentionMs,
    ),
  };
}

/** Tables and engine settings from the Lambda environment the CDK app sets (fails loudly when missing). */
export function aggregationOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): AggregationResources & PipelineSettings {
  const defaults = aggregatorConfig();
  const allowedLatenessMs = integer(env, HANDLER_ENV.allowedLatenessMs, defaults.allowedLatenessMs);
  return {
    stateTable: requireString(env, HANDLER_ENV.stateTable),
    seenIdsTable: requireString(env, HANDLER_ENV.seenIdsTable),
    outputTable: requireString(env, HANDLER_ENV.outputTable),
    outputsRetentionDays: optionalString(env, HANDLER_ENV.outputsRetentionDays)
      ? integer(env, HANDLER_ENV.outputsRetentionDays, 0)
      : undefined,
    engine: aggregatorConfig({
      intervals: parseIntervals(
        stringList(env, HANDLER_ENV.intervals, [...defaults.intervals.map((i) => i.label)]),
      ),
      allowedLatenessMs,
      // The horizon follows the lateness unless set on its own.
      dedupHorizonMs: integer(env, HANDLER_ENV.dedupHorizonMs, allowedLatenessMs),
      eventTimeRange: eventTimeRangeFromEnv(env),
    }),
    idleTimeoutMs: integer(env, HANDLER_ENV.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
    formingUpsertPeriodMs: integer(env, HANDLER_ENV.formingUpsertPeriodMs, DEFAULT_FORMING_UPSERT_PERIOD_MS),
    maxFutureSkewMs: futureSkewFromEnv(env),
  };
}

/** The live skew check's limit: on by default in a deployed handler; `off` turns it off. */
function futureSkewFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const name = HANDLER_ENV.maxFutureSkewMs;
  if (optionalString(env, name)?.toLowerCase() === 'off') return undefined;
  const ms = integer(env, name, DEFAULT_MAX_FUTURE_SKEW_MS);
  if (ms < 0) throw new ConfigurationError(name, `must be an integer ≥ 0 or "off", got "${ms}"`);
  return ms;
}

/** {@link aggregationOptionsFromEnv} plus the lake bucket (the materializer). */
export function pipelineOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): PipelineResources & PipelineSettings {
  return { ...aggregationOptionsFromEnv(env), lakeBucket: requireString(env, HANDLER_ENV.lakeBucket) };
}

/**
 * The serving store the environment names (`TICKFLOW_SERVING…`, see `serving/env.ts`), connected once
 * per process, as the pipeline's {@link ServingSink}; `undefined` when the environment turns it off.
 * Await it at module level so the connection is made during the Lambda init phase.
 *
 * @example const pipeline = wirePipeline({ ...pipelineOptionsFromEnv(), serving: await servingSinkFromEnv() });
 */
export async function servingSinkFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServingSink | undefined> {
  const config = servingConfigFromEnv(env);
  if (config === undefined) return undefined;
  // Loaded only when configured: the Cassandra driver is not needed by handlers without a serving store.
  const { sharedServingStore } = await import('./serving/serving-store.js');
  const store = await sharedServingStore(config);
  const { meterServingUpsert } = await import('./serving/metering.js');
  return {
    async upsertBars(bars, isFinal) {
      meterServingUpsert(processUsageMeter, bars, isFinal, await store.upsertBars(bars, isFinal));
    },
  };
}
