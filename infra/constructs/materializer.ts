import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { MarketAlertConfig } from '../../shared/domain/market-alerts/index.js';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import { HANDLER_ENV } from '../config.js';
import {
  DEFAULT_ENGINE,
  type EngineSettings,
  engineEnvironment,
  kafkaProducerEnvironment,
  type MetricsNamespaceProps,
  metricsEnvironment,
} from './handler-environment.js';
import { grantKafkaProduce } from './kafka-access.js';
import type { Lake, LakePrefix } from './lake.js';
import { attachToNetwork, type HandlerCodeProps, PipelineFunction } from './pipeline-function.js';
import type { StateStore } from './state-store.js';
import type { TickSource } from './stream-consumer.js';
import { requireIntegerInRange } from './validate.js';
import { validateEngine } from './validate-engine.js';

export const MATERIALIZER_LAKE_PREFIXES: readonly LakePrefix[] = ['bars/', 'late/', 'quarantine/'];
export const MATERIALIZER_SERVICE = METRIC_SERVICES.materializer;

export interface MaterializerProps extends HandlerCodeProps, MetricsNamespaceProps {
  /** The state and outputs tables; the function gets item access to both. */
  readonly stateStore: StateStore;
  readonly lake: Lake;
  /**
   * Where the idle flush puts watermark marks: the tick stream (write access, KMS included), or the
   * Kafka topic (producer access; in the cluster's VPC when `network` is set).
   */
  readonly source: TickSource;
  /** @default the defaults of `shared/config.ts` */
  readonly engine?: EngineSettings;
  /**
   * Minutes between runs (the idle flush cannot be finer than this).
   * @default 1
   */
  readonly everyMinutes?: number;
}

/**
 * The scheduled idle flush and materializer: every `everyMinutes` (the stack's `materializerMinutes`)
 * it puts a watermark mark on the tick stream for each symbol that went quiet (the aggregator then
 * closes its bars, so they reach the lake and the serving store exactly once) and rewrites the lake's
 * Parquet partitions from the closed outputs recorded in DynamoDB, deterministically per partition.
 * It writes no bars itself, so it needs no serving store access.
 */
export class Materializer extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: MaterializerProps) {
    super(scope, id);
    const engine = props.engine ?? DEFAULT_ENGINE;
    validateEngine('Materializer', engine);
    const everyMinutes = props.everyMinutes ?? 1;
    requireIntegerInRange('Materializer', 'everyMinutes', everyMinutes, 1, 60, 'minutes between runs');

    this.function = new PipelineFunction(this, 'Handler', {
      entry: props.entry ?? 'functions/materializer/index.ts',
      code: props.code,
      bundling: props.bundling,
      shipParquetWasm: true,
      // The next minute's run repairs what a failed one left; a run lease keeps one run at a time.
      asyncRetryAttempts: 0,
      description: 'tickflow: idle flush and lake materializer (scheduled)',
      timeoutSeconds: 50,
      environment: {
        ...props.stateStore.environment(),
        [HANDLER_ENV.lakeBucket]: props.lake.bucket.bucketName,
        ...(props.source.kind === 'kinesis'
          ? { [HANDLER_ENV.tickStream]: props.source.stream.streamName }
          : kafkaProducerEnvironment(props.source.kafka)),
        ...engineEnvironment(engine),
        ...metricsEnvironment(MATERIALIZER_SERVICE, props.metricsNamespace),
      },
    }).function;
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'tickflow idle flush and materializer',
      schedule: events.Schedule.rate(Duration.minutes(everyMinutes)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    props.stateStore.grantStateAccess(this.function);
    props.stateStore.grantStateScan(this.function);
    props.stateStore.grantOutputAccess(this.function);
    if (props.source.kind === 'kinesis') props.source.stream.grantWrite(this.function);
    else {
      attachToNetwork(this.function, props.source.kafka.network);
      grantKafkaProduce(this.function, props.source.kafka);
    }
    props.lake.grantWrite(this.function, MATERIALIZER_LAKE_PREFIXES);
  }

  /**
   * Turns the market watch on: after each round's lake part, the closed bars of `config.interval` the
   * round rewrote are scanned and each alert is published to `topic` once (sent ids are kept in the
   * outputs table, which the function already writes). Grants `sns:Publish` on the topic and the use of
   * its key.
   */
  publishMarketAlerts(topic: sns.ITopic, config: MarketAlertConfig): void {
    this.function.addEnvironment(HANDLER_ENV.marketAlerts, JSON.stringify(config));
    this.function.addEnvironment(HANDLER_ENV.alertTopicArn, topic.topicArn);
    topic.grantPublish(this.function);
  }
}
