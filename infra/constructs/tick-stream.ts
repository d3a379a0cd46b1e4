import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { ShardCapacity } from '../config.js';
import { InvalidPropsError } from '../errors.js';
import { requireIntegerInRange } from './validate.js';

export interface TickStreamProps {
  /** Physical stream name; producers and the local stack use the same one. */
  readonly streamName: string;
  /**
   * Provisioned shard count (1 shard = 1,000 records/s or 1 MB/s in), or `'ON_DEMAND'`.
   * @default 1
   */
  readonly shards?: ShardCapacity;
  /**
   * How long records stay readable, in hours (24–8760). Replays after an outage need it longer than the outage.
   * @default 24
   */
  readonly retentionHours?: number;
  /**
   * Customer-managed key for server-side encryption.
   * @default a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
}

/** The Kinesis stream of raw ticks (partition key = symbol), KMS-encrypted with a customer-managed key. */
export class TickStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly encryptionKey: kms.IKey;
  /**
   * What a producer needs and nothing more, to attach to its role or user: PutRecord(s) on this stream
   * and kms:GenerateDataKey on its key, only for this stream's encryption context.
   */
  readonly producerPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: TickStreamProps) {
    super(scope, id);
    const shards = props.shards ?? 1;
    const retentionHours = props.retentionHours ?? 24;
    validateTickStreamProps(shards, retentionHours);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the ${props.streamName} Kinesis stream`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: props.streamName,
      streamMode: shards === 'ON_DEMAND' ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: shards === 'ON_DEMAND' ? undefined : shards,
      retentionPeriod: Duration.hours(retentionHours),
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.encryptionKey,
      // A buffer, not a store: its records are in bronze once consumed. CDK's default (retain) would
      // keep its shards billing after `cdk destroy`, the one cost a torn-down environment would leave.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.producerPolicy = new iam.ManagedPolicy(this, 'ProducerPolicy', {
      description: `Lets a producer put ticks on ${props.streamName} (a KMS-encrypted stream)`,
      statements: [
        new iam.PolicyStatement({
          actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
          resources: [this.stream.streamArn],
        }),
        // Kinesis asks KMS for a data key with the stream's ARN as encryption context.
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey'],
          resources: [this.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:EncryptionContext:aws:kinesis:arn': this.stream.streamArn } },
        }),
      ],
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'A customer-managed key is used on purpose: key policy and rotation stay under our control.',
    });
  }
}

function validateTickStreamProps(shards: ShardCapacity, retentionHours: number): void {
  if (shards !== 'ON_DEMAND') {
    if (typeof shards !== 'number') {
      throw new InvalidPropsError('TickStream', 'shards', shards, "use a shard count or 'ON_DEMAND'");
    }
    requireIntegerInRange('TickStream', 'shards', shards, 1, 500, 'provisioned shards; or pass ON_DEMAND');
  }
  requireIntegerInRange(
    'TickStream',
    'retentionHours',
    retentionHours,
    24,
    8760,
    'hours a record stays readable',
  );
}
