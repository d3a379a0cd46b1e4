import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { nagArnOf } from './nag.js';
import { requireIntegerInRange } from './validate.js';

export interface FailedBatchesProps {
  /** Bucket receiving this bucket's server access logs (the lake's). */
  readonly accessLogsBucket: s3.IBucket;
  /** Days a failed batch is kept. @default 30 */
  readonly retentionDays?: number;
}

/**
 * The stream consumers' on-failure destination: an S3 bucket where Lambda writes each batch it gave
 * up on, whole (records, shard, sequence range, the error), under
 * `aws/lambda/<event source mapping id>/<shard id>/YYYY/MM/DD/…`, so the batch can be put back on the
 * stream after the fix, even past the stream's retention. S3-managed encryption (the Lambda service
 * writes here with the function's role), TLS only, no public access; EventBridge gets its events, and
 * `objectCreated` is the rule that matches each batch written (Monitoring alarms on it).
 */
export class FailedBatches extends Construct {
  readonly bucket: s3.Bucket;
  readonly objectCreated: events.Rule;

  constructor(scope: Construct, id: string, props: FailedBatchesProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 30;
    requireIntegerInRange('FailedBatches', 'retentionDays', retentionDays, 1, 3650, 'days');
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'failed-batches/',
      lifecycleRules: [{ id: 'expire-failed-batches', expiration: Duration.days(retentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudFormation's own property, not `eventBridgeEnabled` (which CDK implements with a custom
    // resource and one more Lambda function).
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.objectCreated = new events.Rule(this, 'ObjectCreated', {
      description: 'tickflow: a stream consumer gave up on a batch (written to the on-failure bucket)',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] } },
      },
    });
  }

  /**
   * The on-failure destination of an event source mapping, granting the function only what Lambda
   * needs to write there (s3:PutObject under `aws/lambda/`, s3:ListBucket), where CDK's
   * `S3OnFailureDestination` grants read and write on the whole bucket.
   */
  destination(): lambda.IEventSourceDlq {
    const bucket = this.bucket;
    return {
      bind(_target: lambda.IEventSourceMapping, handler: lambda.IFunction): lambda.DlqDestinationConfig {
        handler.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:PutObject'],
            resources: [bucket.arnForObjects(LAMBDA_KEYS)],
          }),
        );
        handler.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
        );
        if (handler.role) {
          Validations.of(handler.role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${nagArnOf(bucket)}/${LAMBDA_KEYS}]`,
            reason:
              'Lambda names each failed batch under aws/lambda/<mapping>/<shard>/<date>/; only PutObject there.',
          });
        }
        return { destination: bucket.bucketArn };
      },
    };
  }
}

/** Where Lambda writes failed batches in the bucket. */
const LAMBDA_KEYS = 'aws/lambda/*';
