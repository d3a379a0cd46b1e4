import type { Construct } from 'constructs';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import {
  DEFAULT_ENGINE,
  type EngineSettings,
  engineEnvironment,
  type MetricsNamespaceProps,
  metricsEnvironment,
} from './handler-environment.js';
import type { ServingStore } from './serving-store.js';
import type { StateStore } from './state-store.js';
import { StreamConsumerFunction, type StreamConsumerFunctionProps } from './stream-consumer.js';
import { validateEngine } from './validate-engine.js';

/** The `service` dimension of the aggregator's EMF metrics. */
export const AGGREGATOR_SERVICE = METRIC_SERVICES.aggregator;

export interface AggregatorProps extends StreamConsumerFunctionProps, MetricsNamespaceProps {
  /** The state and outputs tables; the function gets item access to both. */
  readonly stateStore: StateStore;
  /** @default the defaults of `shared/config.ts` */
  readonly engine?: EngineSettings;
  /**
   * The serving store to upsert bars to: its settings go into the environment, the function gets
   * write access and ships the Cassandra driver.
   * @default none (no serving store)
   */
  readonly serving?: ServingStore;
  /** Extra environment (e.g. the serving store's keyspace and endpoint). @default none */
  readonly environment?: Record<string, string>;
}

/**
 * The event-time aggregator: consumes the tick stream, keeps per-symbol state in DynamoDB and records
 * closed bars, late ticks and quarantined records in the outputs table (the materializer turns them
 * into the lake). It may read the stream and read and write its two tables (and the serving store
 * when there is one): no S3 access at all.
 */
export class Aggregator extends StreamConsumerFunction {
  constructor(scope: Construct, id: string, props: AggregatorProps) {
    const engine = props.engine ?? DEFAULT_ENGINE;
    validateEngine('Aggregator', engine);
    super(scope, id, props, {
      entry: 'functions/aggregator/index.ts',
      shipServingDriver: props.serving !== undefined,
      description: `tickflow: event-time OHLCV aggregator (${props.source.kind === 'kinesis' ? 'Kinesis' : 'Kafka'} consumer)`,
      environment: {
        ...props.stateStore.environment(),
        ...engineEnvironment(engine),
        ...props.serving?.environment(),
        ...metricsEnvironment(AGGREGATOR_SERVICE, props.metricsNamespace),
        ...props.environment,
      },
    });
    props.stateStore.grantStateAccess(this.function);
    props.stateStore.grantOutputAccess(this.function);
    props.serving?.grantWrite(this.function);
  }
}
