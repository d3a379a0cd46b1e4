import { Duration } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct, type IDependable } from 'constructs';
import {
  type ConsumerConfig,
  DEFAULT_CONFIG,
  type EventSourceMappingSettings,
  eventSourceMapping,
} from '../config.js';
import type { KafkaSource } from '../kafka-source.js';
import type { FailedBatches } from './failed-batches.js';
import { KafkaEventSource } from './kafka-event-source.js';
import { type HandlerCodeProps, PipelineFunction, type PipelineFunctionProps } from './pipeline-function.js';
import { requireIntegerInRange } from './validate.js';

/** Where the ticks are: the stack's Kinesis stream, or a Kafka topic (`source` setting). */
export type TickSource =
  | { readonly kind: 'kinesis'; readonly stream: kinesis.IStream }
  | {
      readonly kind: 'kafka';
      readonly kafka: KafkaSource;
      /** The resource that creates the topic (the trial cluster's), when the stack creates it. */
      readonly topicResource?: IDependable;
    };

/**
 * Where a consumer's records come from: a {@link TickSource}, and on Kafka the consumer group this
 * consumer reads in (each consumer reads every partition, so each has its own group). Another kind
 * is one more member of this union and one more case in {@link eventSourceFor}.
 */
export type ConsumerSource =
  | Extract<TickSource, { kind: 'kinesis' }>
  | (Extract<TickSource, { kind: 'kafka' }> & { readonly consumerGroupId: string });

export interface StreamConsumerProps {
  /** The function that receives the batches. */
  readonly function: lambda.IFunction;
  readonly source: ConsumerSource;
  /**
   * Event source mapping knobs; unset fields take `DEFAULT_CONFIG.consumer`.
   * @default DEFAULT_CONFIG.consumer
   */
  readonly consumer?: Partial<ConsumerConfig>;
  /** Where batches that still fail go: the whole batch, replayable (see {@link FailedBatches}). */
  readonly onFailure: FailedBatches;
}

/**
 * An event source mapping with Lambda's safety switches on: batches bisected on error, partial-batch
 * failures reported, retries and record age bounded (one poison record cannot block a shard forever),
 * and batches that still fail written whole to the S3 on-failure destination, from where they can be
 * put back on the stream (an SQS destination keeps only their shard and sequence range, which the
 * stream forgets after its retention). On Kafka, see {@link KafkaEventSource} for what differs.
 */
export class StreamConsumer extends Construct {
  readonly eventSource: lambda.IEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const settings: ConsumerConfig = { ...DEFAULT_CONFIG.consumer, ...props.consumer };
    validateConsumer(settings);
    this.eventSource = eventSourceFor(
      props.source,
      eventSourceMapping(settings),
      props.onFailure.destination(),
    );
    props.function.addEventSource(this.eventSource);
  }
}

/** The Lambda event source of a consumer source, with the mapping's settings and its on-failure bucket. */
function eventSourceFor(
  source: ConsumerSource,
  mapping: EventSourceMappingSettings,
  onFailure: lambda.IEventSourceDlq,
): lambda.IEventSource {
  switch (source.kind) {
    case 'kinesis':
      return new sources.KinesisEventSource(source.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: mapping.batchSize,
        maxBatchingWindow: Duration.millis(mapping.maximumBatchingWindowMs),
        parallelizationFactor: mapping.parallelizationFactor,
        bisectBatchOnError: mapping.bisectBatchOnFunctionError,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        retryAttempts: mapping.maximumRetryAttempts,
        maxRecordAge: Duration.seconds(mapping.maximumRecordAgeSeconds),
        onFailure,
      });
    case 'kafka':
      return new KafkaEventSource(
        source.kafka,
        source.consumerGroupId,
        mapping,
        onFailure,
        source.topicResource,
      );
  }
}

/** The handler's code, and the source, settings (also the function's memory and timeout) and on-failure destination of its {@link StreamConsumer}. */
export interface StreamConsumerFunctionProps
  extends HandlerCodeProps,
    Omit<StreamConsumerProps, 'function'> {}

/**
 * A function that consumes a stream: its {@link PipelineFunction} (`Handler`, sized by the consumer
 * settings) and its {@link StreamConsumer} (`Source`: event source mapping and on-failure destination).
 * The aggregator and the bronze writer extend it and add their grants.
 */
export class StreamConsumerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(
    scope: Construct,
    id: string,
    props: StreamConsumerFunctionProps,
    handler: Omit<PipelineFunctionProps, 'code' | 'bundling' | 'memoryMb' | 'timeoutSeconds'>,
  ) {
    super(scope, id);
    const consumer = { ...DEFAULT_CONFIG.consumer, ...props.consumer };
    this.function = new PipelineFunction(this, 'Handler', {
      ...handler,
      entry: props.entry ?? handler.entry,
      code: props.code,
      bundling: props.bundling,
      memoryMb: consumer.memoryMb,
      timeoutSeconds: consumer.timeoutSeconds,
    }).function;
    new StreamConsumer(this, 'Source', {
      function: this.function,
      source: props.source,
      consumer,
      onFailure: props.onFailure,
    });
  }
}

function validateConsumer(c: ConsumerConfig): void {
  const name = 'StreamConsumer';
  requireIntegerInRange(name, 'batchSize', c.batchSize, 1, 10_000, 'records per invocation');
  requireIntegerInRange(name, 'maxBatchingWindowSeconds', c.maxBatchingWindowSeconds, 0, 300, 'seconds');
  requireIntegerInRange(
    name,
    'parallelizationFactor',
    c.parallelizationFactor,
    1,
    10,
    'concurrent batches per shard; order per symbol is kept',
  );
  requireIntegerInRange(
    name,
    'maxRetryAttempts',
    c.maxRetryAttempts,
    0,
    10_000,
    'bounded so a poison record cannot block its shard; -1 (infinite) is refused',
  );
  requireIntegerInRange(
    name,
    'maxRecordAgeSeconds',
    c.maxRecordAgeSeconds,
    60,
    604_800,
    'seconds; must also be below the stream retention',
  );
}
