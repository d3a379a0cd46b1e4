import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IDependable } from 'constructs';
import type { EventSourceMappingSettings } from '../config.js';
import type { KafkaSource, SelfManagedAuth } from '../kafka-source.js';
import { grantKafkaConsume } from './kafka-access.js';

/**
 * The Kafka event source mapping of a stream consumer, with the error handling of the Kinesis one as
 * far as Lambda has it for Kafka (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html):
 *
 * - Bisect, partial batch responses (ReportBatchItemFailures), bounded retries and a maximum record
 *   age exist for Kafka only in provisioned mode, so the mapping always runs provisioned event
 *   pollers (`source.pollers`; without them Lambda retries a failing batch until the record leaves
 *   the topic, which blocks the partition).
 * - No ParallelizationFactor: Lambda processes each partition in order with at most one concurrent
 *   batch, so concurrency is the topic's partition count (the Kinesis setting is ignored).
 * - The consumer group is explicit (`AmazonManagedKafkaEventSourceConfig` /
 *   `SelfManagedKafkaEventSourceConfig` `ConsumerGroupId`): each consumer reads every partition in
 *   its own group, and IAM can name the group. Lambda refuses to change it after creation.
 * - The S3 on-failure destination keeps the whole batch (Lambda writes the invocation record with
 *   the metadata, https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html).
 * - Starting position TRIM_HORIZON, as on Kinesis: a new consumer group starts at the oldest record.
 *
 * Built on `lambda.EventSourceMapping` rather than `ManagedKafkaEventSource`, which attaches the
 * AWSLambdaMSKExecutionRole managed policy (every cluster, every network interface, every log group);
 * {@link grantKafkaConsume} grants the same access on this cluster, topic and group only.
 */
export class KafkaEventSource implements lambda.IEventSource {
  constructor(
    private readonly source: KafkaSource,
    private readonly consumerGroupId: string,
    private readonly mapping: EventSourceMappingSettings,
    private readonly onFailure: lambda.IEventSourceDlq,
    /** Created before the mapping, so it never polls a topic that does not exist yet (the trial cluster's). */
    private readonly topicResource?: IDependable,
  ) {}

  bind(target: lambda.IFunction): void {
    const { source, mapping } = this;
    grantKafkaConsume(target, source, this.consumerGroupId);
    const esm = target.addEventSourceMapping('KafkaSource', {
      ...(source.msk
        ? { eventSourceArn: source.msk.clusterArn }
        : { kafkaBootstrapServers: [...source.selfManaged!.bootstrapServers] }),
      kafkaTopic: source.topic,
      kafkaConsumerGroupId: this.consumerGroupId,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: mapping.batchSize,
      maxBatchingWindow: Duration.millis(mapping.maximumBatchingWindowMs),
      bisectBatchOnError: mapping.bisectBatchOnFunctionError,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      retryAttempts: mapping.maximumRetryAttempts,
      maxRecordAge: Duration.seconds(mapping.maximumRecordAgeSeconds),
      provisionedPollerConfig: {
        minimumPollers: source.pollers.minimum,
        maximumPollers: source.pollers.maximum,
      },
      sourceAccessConfigurations: sourceAccess(source),
      onFailure: this.onFailure,
    });
    // Lambda checks the role when it creates the mapping: create it after the role's policy.
    const policy = target.role?.node.tryFindChild('DefaultPolicy');
    if (policy instanceof iam.Policy) esm.node.addDependency(policy);
    if (this.topicResource) esm.node.addDependency(this.topicResource);
  }
}

const AUTH_TYPE: Record<SelfManagedAuth, lambda.SourceAccessConfigurationType> = {
  SASL_SCRAM_256: lambda.SourceAccessConfigurationType.SASL_SCRAM_256_AUTH,
  SASL_SCRAM_512: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH,
  MTLS: lambda.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH,
};

/**
 * How Lambda reaches and authenticates to the cluster. MSK with IAM needs none (the role signs in;
 * the pollers use the cluster's own subnets and security groups). A self-managed cluster gets its
 * secret, the root CA secret, and the VPC subnets and security groups in the URI forms Lambda
 * documents (`subnet:subnet-…`, `security_group:sg-…`,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-smaa.html).
 */
function sourceAccess(source: KafkaSource): lambda.SourceAccessConfiguration[] | undefined {
  const cluster = source.selfManaged;
  if (!cluster) return undefined;
  return [
    { type: AUTH_TYPE[cluster.authentication], uri: cluster.secretArn },
    ...(cluster.rootCaSecretArn
      ? [
          {
            type: lambda.SourceAccessConfigurationType.SERVER_ROOT_CA_CERTIFICATE,
            uri: cluster.rootCaSecretArn,
          },
        ]
      : []),
    ...(source.network?.subnetIds ?? []).map((id) => ({
      type: lambda.SourceAccessConfigurationType.VPC_SUBNET,
      uri: `subnet:${id}`,
    })),
    ...(source.network?.securityGroupIds ?? []).map((id) => ({
      type: lambda.SourceAccessConfigurationType.VPC_SECURITY_GROUP,
      uri: `security_group:${id}`,
    })),
  ];
}
