import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import { type ConsumerConfig, DEFAULT_CONFIG } from '../config.js';
import {
  DEFAULT_ENGINE,
  type EngineSettings,
  engineEnvironment,
  metricsEnvironment,
} from './handler-environment.js';
import { type HandlerCodeProps, PipelineFunction } from './pipeline-function.js';
import type { ServingStore } from './serving-store.js';
import type { StateStore } from './state-store.js';
import { StreamConsumer } from './stream-consumer.js';
import { validateEngine } from './validate-engine.js';

/** The `service` dimension of the aggregator's EMF metrics. */
export const AGGREGATOR_SERVICE = METRIC_SERVICES.aggregator;

export interface AggregatorProps extends HandlerCodeProps {
  readonly stream: kinesis.IStream;
  /** The state and outputs tables; the function gets item access to both. */
  readonly stateStore: StateStore;
  /** @default the defaults of `shared/config.ts` */
  readonly engine?: EngineSettings;
  /** @default DEFAULT_CONFIG.consumer */
  readonly consumer?: Partial<ConsumerConfig>;
  /**
   * The serving store to upsert bars to: its settings go into the environment, the function gets
   * write access and ships the Cassandra driver.
   * @default none (no serving store)
   */
  readonly serving?: ServingStore;
  /** Extra environment (e.g. the serving store's keyspace and endpoint). @default none */
  readonly environment?: Record<string, string>;
  /** Key of the dead-letter queue. @default a new key */
  readonly dlqKey?: kms.IKey;
}

/**
 * The event-time aggregator: consumes the tick stream, keeps per-symbol state in DynamoDB and records
 * closed bars, late ticks and quarantined records in the outputs table (the materializer turns them
 * into the lake). It may read the stream and read and write its two tables (and the serving store
 * when there is one): no S3 access at all.
 */
export class Aggregator extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AggregatorProps) {
    super(scope, id);
    const engine = props.engine ?? DEFAULT_ENGINE;
    validateEngine('Aggregator', engine);
    const consumer = { ...DEFAULT_CONFIG.consumer, ...props.consumer };

    const fn = new PipelineFunction(this, 'Handler', {
      entry: props.entry ?? 'functions/aggregator/index.ts',
      code: props.code,
      bundling: props.bundling,
      shipServingDriver: props.serving !== undefined,
      description: 'tickflow: event-time OHLCV aggregator (Kinesis consumer)',
      memoryMb: consumer.memoryMb,
      timeoutSeconds: consumer.timeoutSeconds,
      environment: {
        ...props.stateStore.environment(),
        ...engineEnvironment(engine),
        ...props.serving?.environment(),
        ...metricsEnvironment(AGGREGATOR_SERVICE),
        ...props.environment,
      },
    }).function;
    const source = new StreamConsumer(this, 'Source', {
      function: fn,
      stream: props.stream,
      consumer,
      dlqKey: props.dlqKey,
    });

    props.stateStore.grantStateAccess(fn);
    props.stateStore.grantOutputAccess(fn);
    props.serving?.grantWrite(fn);
    this.function = fn;
    this.deadLetterQueue = source.deadLetterQueue;
  }
}
