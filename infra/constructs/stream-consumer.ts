import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type ConsumerConfig,
  DEFAULT_CONFIG,
  type EventSourceMappingSettings,
  eventSourceMapping,
} from '../config.js';
import { type HandlerCodeProps, PipelineFunction, type PipelineFunctionProps } from './pipeline-function.js';
import { requireIntegerInRange } from './validate.js';

/**
 * Where a consumer's records come from. A Kinesis stream is the one kind today; another kind is one
 * more member of this union and one more case in {@link eventSourceFor}.
 */
export type ConsumerSource = { readonly kind: 'kinesis'; readonly stream: kinesis.IStream };

export interface StreamConsumerProps {
  /** The function that receives the batches. */
  readonly function: lambda.IFunction;
  readonly source: ConsumerSource;
  /**
   * Event source mapping knobs; unset fields take `DEFAULT_CONFIG.consumer`.
   * @default DEFAULT_CONFIG.consumer
   */
  readonly consumer?: Partial<ConsumerConfig>;
  /**
   * Key of the dead-letter queue.
   * @default a new key with rotation enabled
   */
  readonly dlqKey?: kms.IKey;
}

/**
 * An event source mapping with Lambda's safety switches on: batches bisected on error, partial-batch
 * failures reported, retries and record age bounded (one poison record cannot block a shard forever),
 * and the metadata of batches that still fail sent to an encrypted SQS dead-letter queue.
 */
export class StreamConsumer extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly eventSource: lambda.IEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const settings: ConsumerConfig = { ...DEFAULT_CONFIG.consumer, ...props.consumer };
    validateConsumer(settings);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey:
        props.dlqKey ??
        new kms.Key(this, 'DlqKey', {
          description: 'Encrypts the failed-batch records of a tickflow stream consumer',
          enableKeyRotation: true,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination (DLQ) of the Kinesis event source mapping.',
    });
    this.eventSource = eventSourceFor(props.source, eventSourceMapping(settings), this.deadLetterQueue);
    props.function.addEventSource(this.eventSource);
  }
}

/** The Lambda event source of a consumer source, with the mapping's settings and its on-failure queue. */
function eventSourceFor(
  source: ConsumerSource,
  mapping: EventSourceMappingSettings,
  onFailure: sqs.IQueue,
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
        onFailure: new sources.SqsDlq(onFailure),
      });
  }
}

/** The handler's code, and the source, settings (also the function's memory and timeout) and DLQ key of its {@link StreamConsumer}. */
export interface StreamConsumerFunctionProps
  extends HandlerCodeProps,
    Omit<StreamConsumerProps, 'function'> {}

/**
 * A function that consumes a stream: its {@link PipelineFunction} (`Handler`, sized by the consumer
 * settings) and its {@link StreamConsumer} (`Source`: event source mapping and dead-letter queue).
 * The aggregator and the bronze writer extend it and add their grants.
 */
export class StreamConsumerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;

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
    this.deadLetterQueue = new StreamConsumer(this, 'Source', {
      function: this.function,
      source: props.source,
      consumer,
      dlqKey: props.dlqKey,
    }).deadLetterQueue;
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
