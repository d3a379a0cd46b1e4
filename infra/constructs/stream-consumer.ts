import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type ConsumerConfig, DEFAULT_CONFIG, eventSourceMapping } from '../config.js';
import { requireIntegerInRange } from './validate.js';

export interface StreamConsumerProps {
  /** The function that receives the batches. */
  readonly function: lambda.IFunction;
  readonly stream: kinesis.IStream;
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
 * A Kinesis event source mapping with Lambda's safety switches on: batches bisected on error,
 * partial-batch failures reported, retries and record age bounded (one poison record cannot block a
 * shard forever), and the metadata of batches that still fail sent to an encrypted SQS dead-letter queue.
 */
export class StreamConsumer extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly eventSource: sources.KinesisEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const settings: ConsumerConfig = { ...DEFAULT_CONFIG.consumer, ...props.consumer };
    validateConsumer(settings);
    const mapping = eventSourceMapping(settings);

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
    this.eventSource = new sources.KinesisEventSource(props.stream, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: mapping.batchSize,
      maxBatchingWindow: Duration.millis(mapping.maximumBatchingWindowMs),
      parallelizationFactor: mapping.parallelizationFactor,
      bisectBatchOnError: mapping.bisectBatchOnFunctionError,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      retryAttempts: mapping.maximumRetryAttempts,
      maxRecordAge: Duration.seconds(mapping.maximumRecordAgeSeconds),
      onFailure: new sources.SqsDlq(this.deadLetterQueue),
    });
    props.function.addEventSource(this.eventSource);
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
