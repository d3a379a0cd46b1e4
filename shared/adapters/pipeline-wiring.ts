import { DEFAULT_IDLE_TIMEOUT_MS, HANDLER_ENV } from '../config.js';
import { type AggregatorConfig, aggregatorConfig, parseIntervals } from '../domain/index.js';
import { AggregationService } from '../pipeline/aggregation-service.js';
import { domainEngineFactory } from '../pipeline/domain-engine.js';
import type { ServingSink } from '../pipeline/ports.js';
import { type AwsClientConfig, createDocumentClient, createS3Client } from './aws-clients.js';
import { type FaultInjector, injectWriteFaults } from './chaos.js';
import { DynamoOutputStore } from './dynamo/output-store.js';
import { DynamoStateStore } from './dynamo/state-store.js';
import { integer, requireString, stringList } from './env.js';
import { LakeMaterializer } from './lake-materializer.js';
import { S3ObjectStore } from './s3-object-store.js';
import { servingConfigFromEnv } from './serving/env.js';

/** Where the pipeline's state and outputs live. */
export interface PipelineResources {
  readonly stateTable: string;
  readonly outputTable: string;
  readonly lakeBucket: string;
}

export interface PipelineSettings {
  readonly engine: AggregatorConfig;
  readonly idleTimeoutMs: number;
}

export interface PipelineWiringOptions extends PipelineResources, PipelineSettings {
  readonly aws?: AwsClientConfig;
  readonly serving?: ServingSink;
  /** Fault injection on every DynamoDB and S3 write (`--chaos`). */
  readonly faults?: FaultInjector;
  readonly onSymbolError?: (symbol: string, err: unknown) => void;
}

/** The wired pipeline: what a handler or the local run calls. */
export interface Pipeline {
  readonly service: AggregationService;
  readonly outputs: DynamoOutputStore;
  readonly state: DynamoStateStore;
  readonly lake: S3ObjectStore;
  readonly materializer: LakeMaterializer;
}

/** Builds the adapters and the aggregation service over one set of clients (created once, reused). */
export function wirePipeline(opts: PipelineWiringOptions): Pipeline {
  const doc = createDocumentClient(opts.aws);
  const s3 = createS3Client(opts.aws);
  if (opts.faults) {
    injectWriteFaults(doc, opts.faults);
    injectWriteFaults(s3, opts.faults);
  }
  const state = new DynamoStateStore(doc, opts.stateTable);
  const outputs = new DynamoOutputStore(doc, opts.outputTable);
  const lake = new S3ObjectStore(s3, opts.lakeBucket);
  const service = new AggregationService({
    state,
    outputs,
    serving: opts.serving,
    engine: domainEngineFactory(opts.engine),
    idleTimeoutMs: opts.idleTimeoutMs,
    onSymbolError: opts.onSymbolError,
  });
  return { service, outputs, state, lake, materializer: new LakeMaterializer(outputs, lake) };
}

/** Resources and engine settings from the Lambda environment the CDK app sets (fails loudly when missing). */
export function pipelineOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): PipelineResources & PipelineSettings {
  return {
    stateTable: requireString(env, HANDLER_ENV.stateTable),
    outputTable: requireString(env, HANDLER_ENV.outputTable),
    lakeBucket: requireString(env, HANDLER_ENV.lakeBucket),
    engine: aggregatorConfig({
      intervals: parseIntervals(
        stringList(env, HANDLER_ENV.intervals, [...aggregatorConfig().intervals.map((i) => i.label)]),
      ),
      allowedLatenessMs: integer(env, HANDLER_ENV.allowedLatenessMs, aggregatorConfig().allowedLatenessMs),
      dedupHorizonMs: integer(env, HANDLER_ENV.dedupHorizonMs, aggregatorConfig().dedupHorizonMs),
    }),
    idleTimeoutMs: integer(env, HANDLER_ENV.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
  };
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
  return {
    async upsertBars(bars, isFinal) {
      await store.upsertBars(bars, isFinal);
    },
  };
}
