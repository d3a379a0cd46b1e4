/**
 * What a function's role needs to consume from or produce to the Kafka topic, and nothing more:
 * Kafka's own actions on the cluster, the topic and the consumer group for Amazon MSK with IAM
 * access control; the credentials secret for a self-managed cluster; the network interfaces Lambda
 * creates in the VPC. Written out instead of the AWS managed policies (AWSLambdaMSKExecutionRole,
 * AWSLambdaVPCAccessExecutionRole), which allow every cluster and every log group.
 *
 * Sources: Lambda Developer Guide, "Configuring Lambda permissions for Amazon MSK event source
 * mappings" (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html) and
 * "self-managed Apache Kafka" (https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-permissions.html);
 * Amazon MSK Developer Guide, "IAM access control" (actions and resource ARNs,
 * https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html).
 */
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { type KafkaSource, mskResourceArns } from '../kafka-source.js';

/**
 * The network interface actions an event source mapping needs in the cluster's VPC (those of
 * AWSLambdaMSKExecutionRole); EC2 authorizes the Describe actions only on `*`.
 */
export const ESM_NETWORK_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
] as const;

/** What a function attached to a VPC needs for its own network interfaces (those of AWSLambdaVPCAccessExecutionRole). */
export const FUNCTION_NETWORK_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

/**
 * Lets Lambda's event pollers read `source.topic` as consumer group `groupId` with `fn`'s role:
 * on MSK, connect, describe the topic and read it, describe and alter (commit offsets of) the group,
 * read the cluster's dynamic configuration; on a self-managed cluster, read the credentials secret.
 */
export function grantKafkaConsume(fn: lambda.IFunction, source: KafkaSource, groupId: string): void {
  if (source.msk) {
    const arns = mskResourceArns(source.msk.clusterArn);
    add(fn, ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'], [arns.cluster]);
    add(fn, ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'], [arns.cluster]);
    add(fn, ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], [arns.topic(source.topic)]);
    add(fn, ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], [arns.group(groupId)]);
    // The pollers reach the brokers through network interfaces in the cluster's subnets.
    addNetwork(fn, ESM_NETWORK_ACTIONS);
  } else {
    grantSecrets(fn, source);
    if (source.network) addNetwork(fn, ESM_NETWORK_ACTIONS);
  }
}

/**
 * Lets `fn` produce to `source.topic` with an idempotent producer (the idle flush's watermark marks):
 * on MSK, connect, write idempotently, describe the topic and write to it; on a self-managed
 * cluster, read the credentials secret. A function attached to the VPC also gets its network
 * interface actions.
 */
export function grantKafkaProduce(fn: lambda.IFunction, source: KafkaSource): void {
  if (source.msk) {
    const arns = mskResourceArns(source.msk.clusterArn);
    add(fn, ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'], [arns.cluster]);
    add(fn, ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], [arns.topic(source.topic)]);
  } else {
    grantSecrets(fn, source);
  }
  if (source.network) addNetwork(fn, FUNCTION_NETWORK_ACTIONS);
}

/**
 * Lets `fn` (the trial cluster's topic handler, in its VPC) create, describe, grow and delete
 * `topic` on the MSK cluster `clusterArn`, and nothing else of the cluster.
 */
export function grantKafkaTopicAdmin(fn: lambda.IFunction, clusterArn: string, topic: string): void {
  const arns = mskResourceArns(clusterArn);
  add(fn, ['kafka-cluster:Connect'], [arns.cluster]);
  add(
    fn,
    [
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:CreateTopic',
      'kafka-cluster:AlterTopic',
      'kafka-cluster:DeleteTopic',
    ],
    [arns.topic(topic)],
  );
  addNetwork(fn, FUNCTION_NETWORK_ACTIONS);
}

/** GetSecretValue on the credentials (and root CA) secret; kms:Decrypt on its key, only through Secrets Manager. */
function grantSecrets(fn: lambda.IFunction, source: KafkaSource): void {
  const cluster = source.selfManaged!;
  add(
    fn,
    ['secretsmanager:GetSecretValue'],
    [cluster.secretArn, ...(cluster.rootCaSecretArn ? [cluster.rootCaSecretArn] : [])],
  );
  if (cluster.secretKeyArn) {
    const region = cluster.secretArn.split(':')[3];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [cluster.secretKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }),
    );
  }
}

function add(fn: lambda.IFunction, actions: readonly string[], resources: readonly string[]): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources: [...resources] }));
}

/**
 * The network interface actions, in a policy of their own: EC2 authorizes the Describe actions only
 * on `*`, so this policy, and nothing else on the role, carries the acknowledged `Resource::*`.
 * `fn` depends on it, so the event source mapping (which depends on `fn`) is created after it.
 */
function addNetwork(fn: lambda.IFunction, actions: readonly string[]): void {
  if (!fn.role) throw new Error(`${fn.node.path} has no role to grant its network interface actions to`);
  const id = actions === ESM_NETWORK_ACTIONS ? 'EsmNetworkPolicy' : 'FunctionNetworkPolicy';
  const policy = new iam.Policy(fn, id, {
    statements: [new iam.PolicyStatement({ actions: [...actions], resources: ['*'] })],
  });
  policy.attachToRole(fn.role);
  fn.node.addDependency(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Lambda manages network interfaces in the Kafka VPC; EC2 authorizes the Describe actions only on "*" (the actions are those of the AWS managed policy for this, nothing else).',
  });
}
