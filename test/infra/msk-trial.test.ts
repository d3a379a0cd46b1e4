/**
 * The MSK Serverless trial cluster of `source.trial` (infra/constructs/msk-trial.ts): its VPC and
 * security group, the cluster, the custom resources for the bootstrap brokers and the topic, the
 * event source mappings and idle flush wired to it, every role as IAM evaluates it on the ARNs the
 * cluster will have, and its idle cost as `tickflow cost --idle` prints it. What needs an AWS account
 * (the cluster reachable by the pollers, GetBootstrapBrokers' answer, the topic handler over MSK IAM)
 * is not checked here; the topic logic runs on a real broker in test/integration/kafka-topic-admin.test.ts.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV, resolveConfig, type TickflowConfigOverrides } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';
import { alwaysOnInventory } from '../../infra/cost-inventory.js';
import { loadEnvironment } from '../../infra/environments.js';
import type { SourceSetting } from '../../infra/kafka-source.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { idleCost, PRICE_TABLE } from '../../shared/cost/index.js';
import { arnOf, isAllowed, statementsOfPolicies } from './iam-eval.js';
import { expectSourceRefused, handlerCodeForTests, templateApp } from './support.js';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const TRIAL: SourceSetting = { kind: 'kafka', topic: 'ticks', trial: { partitions: 4 } };
const EXAMPLES = resolve(PROJECT_ROOT, 'docs', 'examples', 'environments');

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function synth(more: TickflowConfigOverrides = {}): Template {
  const stack = new TickflowStack(templateApp(), 'Tickflow', {
    env: ENV,
    config: resolveConfig({ prefix: 'tf-trial', source: TRIAL, ...more }),
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

const only = (t: Template, type: string): [string, Resource] => {
  const found = Object.entries(t.findResources(type)) as [string, Resource][];
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const byPrefix = (t: Template, type: string, prefix: string): [string, Resource] =>
  (Object.entries(t.findResources(type)) as [string, Resource][]).find(([id]) => id.startsWith(prefix))!;
const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });

describe('trial: the VPC and its security group', () => {
  const t = synth();
  const [sgId] = only(t, 'AWS::EC2::SecurityGroup');
  const sg = getAtt(sgId, 'GroupId');
  const subnets = Object.keys(t.findResources('AWS::EC2::Subnet')).map((id) => ({ Ref: id }));

  it('has two private subnets in two AZs, and no internet gateway, NAT gateway or route out', () => {
    expect(subnets).toHaveLength(2);
    const azs = Object.values(t.findResources('AWS::EC2::Subnet')).map(
      (s) => (s as Resource).Properties.AvailabilityZone,
    );
    expect(new Set(azs.map((az) => JSON.stringify(az))).size).toBe(2);
    for (const type of [
      'AWS::EC2::InternetGateway',
      'AWS::EC2::NatGateway',
      'AWS::EC2::Route',
      'AWS::EC2::EIP',
    ])
      t.resourceCountIs(type, 0);
  });

  it('reaches S3 and DynamoDB through gateway endpoints, and SNS (market alerts) through an interface endpoint in both subnets', () => {
    const routeTables = Object.keys(t.findResources('AWS::EC2::RouteTable')).map((id) => ({ Ref: id }));
    for (const service of ['s3', 'dynamodb']) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: routeTables,
      });
    }
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: 'com.amazonaws.eu-west-1.sns',
      PrivateDnsEnabled: true,
      SubnetIds: subnets,
      SecurityGroupIds: [sg],
    });
    // No Lambda or STS endpoint: the mappings run provisioned pollers, which need none.
    expect(Object.keys(t.findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(3);
    const withoutAlerts = synth({ marketAlerts: 'off' });
    expect(
      Object.values(withoutAlerts.findResources('AWS::EC2::VPCEndpoint')).map(
        (e) => (e as Resource).Properties.VpcEndpointType,
      ),
    ).toEqual(['Gateway', 'Gateway']);
  });

  it('lets the group reach itself on the IAM listener (9098) and SNS (443), and nothing else in', () => {
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (r) => (r as Resource).Properties,
    );
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: sg,
        SourceSecurityGroupId: sg,
        IpProtocol: 'tcp',
        FromPort: 9098,
        ToPort: 9098,
      }),
      expect.objectContaining({
        GroupId: sg,
        SourceSecurityGroupId: sg,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
    expect(only(t, 'AWS::EC2::SecurityGroup')[1].Properties.SecurityGroupIngress).toBeUndefined();
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: sg,
      DestinationSecurityGroupId: sg,
      FromPort: 9098,
      ToPort: 9098,
    });
    expect(only(t, 'AWS::EC2::SecurityGroup')[1].Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
  });

  it('logs the traffic the security group rejects, for a week', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', ResourceType: 'VPC' });
  });
});

describe('trial: the cluster, its brokers and its topic', () => {
  const t = synth();
  const [clusterId, cluster] = only(t, 'AWS::MSK::ServerlessCluster');
  const [sgId] = only(t, 'AWS::EC2::SecurityGroup');
  const [brokersId, brokers] = only(t, 'Custom::AWS');
  const [topicId, topic] = only(t, 'Custom::KafkaTopic');
  const brokerString = getAtt(brokersId, 'BootstrapBrokerStringSaslIam');

  it('creates an MSK Serverless cluster with IAM client authentication in the two subnets, with the group', () => {
    expect(cluster.Properties).toEqual({
      ClusterName: 'tf-trial-trial',
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [
        {
          SubnetIds: Object.keys(t.findResources('AWS::EC2::Subnet')).map((id) => ({ Ref: id })),
          SecurityGroups: [getAtt(sgId, 'GroupId')],
        },
      ],
    });
  });

  it("reads the IAM bootstrap brokers with Kafka's GetBootstrapBrokers on the cluster, on create and on update", () => {
    for (const phase of ['Create', 'Update']) {
      const call = JSON.stringify(brokers.Properties[phase]);
      expect(call).toContain('\\"service\\":\\"Kafka\\",\\"action\\":\\"GetBootstrapBrokers\\"');
      expect(call).toContain(JSON.stringify(getAtt(clusterId, 'Arn')));
      expect(call).toContain('BootstrapBrokerStringSaslIam');
    }
  });

  it('creates the topic with its partitions through a custom resource fed the brokers, after the cluster and its handler', () => {
    expect(topic.Properties).toMatchObject({
      Topic: 'ticks',
      Partitions: '4',
      BootstrapServers: brokerString,
    });
    const [handlerId, handler] = byPrefix(t, 'AWS::Lambda::Function', 'KafkaTrialTopicHandlerFunction');
    expect(topic.DependsOn).toEqual(expect.arrayContaining([clusterId, handlerId]));
    // The handler runs in the VPC to reach the brokers.
    expect(handler.Properties.VpcConfig).toEqual({
      SubnetIds: Object.keys(t.findResources('AWS::EC2::Subnet')).map((id) => ({ Ref: id })),
      SecurityGroupIds: [getAtt(sgId, 'GroupId')],
    });
  });

  it('maps both consumers to the created cluster, after the topic exists', () => {
    for (const fn of ['Aggregator', 'Bronze']) {
      const [, esm] = byPrefix(t, 'AWS::Lambda::EventSourceMapping', fn);
      expect(esm.Properties).toMatchObject({ EventSourceArn: getAtt(clusterId, 'Arn'), Topics: ['ticks'] });
      expect(esm.Properties).not.toHaveProperty('SourceAccessConfigurations');
      expect(esm.DependsOn).toContain(topicId);
    }
  });

  it('runs the idle flush in the VPC against the looked-up brokers, after the topic exists', () => {
    const [, fn] = byPrefix(t, 'AWS::Lambda::Function', 'MaterializerHandlerFunction');
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      [HANDLER_ENV.kafkaTopic]: 'ticks',
      [HANDLER_ENV.kafkaBootstrap]: brokerString,
      [HANDLER_ENV.kafkaAuth]: 'aws-msk-iam',
    });
    expect(fn.Properties.VpcConfig).toMatchObject({ SecurityGroupIds: [getAtt(sgId, 'GroupId')] });
    expect(fn.DependsOn).toContain(topicId);
  });

  it('outputs the cluster ARN and its brokers', () => {
    t.hasOutput('KafkaClusterArn', { Value: getAtt(clusterId, 'Arn') });
    t.hasOutput('KafkaBootstrapServers', { Value: brokerString });
  });
});

describe('trial: IAM as IAM evaluates it, on the ARNs the created cluster will have', () => {
  const t = synth();
  const [clusterId] = only(t, 'AWS::MSK::ServerlessCluster');
  const cluster = arnOf(t, clusterId, ENV);
  const id = cluster.split(':cluster/')[1]!;
  const base = `arn:aws:kafka:${ENV.region}:${ENV.account}`;
  const topic = (name: string) => `${base}:topic/${id}/${name}`;
  const group = (name: string) => `${base}:group/${id}/${name}`;
  const other = `${base}:cluster/other/0b4cd1e2-1111-2222-3333-444455556666-2`;
  const allowed = (prefix: string, action: string, arn: string) =>
    isAllowed(t, statementsOfPolicies(t, prefix), action, arn, ENV);

  it('lets each consumer read the topic in its own group, and nothing of another topic, group or cluster', () => {
    for (const [fn, own, theirs] of [
      ['AggregatorHandler', 'tf-trial-aggregator', 'tf-trial-bronze'],
      ['BronzeHandler', 'tf-trial-bronze', 'tf-trial-aggregator'],
    ] as const) {
      expect({ fn, ok: allowed(fn, 'kafka-cluster:Connect', cluster) }).toEqual({ fn, ok: true });
      expect(allowed(fn, 'kafka-cluster:ReadData', topic('ticks'))).toBe(true);
      expect(allowed(fn, 'kafka-cluster:ReadData', topic('other'))).toBe(false);
      expect(allowed(fn, 'kafka-cluster:AlterGroup', group(own))).toBe(true);
      expect(allowed(fn, 'kafka-cluster:AlterGroup', group(theirs))).toBe(false);
      expect(allowed(fn, 'kafka-cluster:WriteData', topic('ticks'))).toBe(false);
      expect(allowed(fn, 'kafka-cluster:Connect', other)).toBe(false);
    }
  });

  it('lets the idle flush write to the topic only', () => {
    expect(allowed('MaterializerHandler', 'kafka-cluster:WriteData', topic('ticks'))).toBe(true);
    expect(allowed('MaterializerHandler', 'kafka-cluster:WriteDataIdempotently', cluster)).toBe(true);
    expect(allowed('MaterializerHandler', 'kafka-cluster:WriteData', topic('other'))).toBe(false);
    expect(allowed('MaterializerHandler', 'kafka-cluster:CreateTopic', topic('ticks'))).toBe(false);
  });

  it('lets the topic handler create, describe, grow and delete that topic, and neither read nor write it', () => {
    const fn = 'KafkaTrialTopicHandler';
    expect(allowed(fn, 'kafka-cluster:Connect', cluster)).toBe(true);
    for (const action of ['CreateTopic', 'DescribeTopic', 'AlterTopic', 'DeleteTopic']) {
      expect({ action, ok: allowed(fn, `kafka-cluster:${action}`, topic('ticks')) }).toEqual({
        action,
        ok: true,
      });
      expect(allowed(fn, `kafka-cluster:${action}`, topic('other'))).toBe(false);
    }
    expect(allowed(fn, 'kafka-cluster:ReadData', topic('ticks'))).toBe(false);
    expect(allowed(fn, 'kafka-cluster:WriteData', topic('ticks'))).toBe(false);
    expect(allowed(fn, 'kafka-cluster:AlterGroup', group('tf-trial-aggregator'))).toBe(false);
    expect(allowed(fn, 'kafka-cluster:Connect', other)).toBe(false);
  });

  it("lets the brokers' lookup call GetBootstrapBrokers on this cluster only", () => {
    const s = [
      ...statementsOfPolicies(t, 'KafkaTrialBootstrapBrokersRole'),
      ...statementsOfPolicies(t, 'KafkaTrialBootstrapBrokersCustomResourcePolicy'),
    ];
    expect(isAllowed(t, s, 'kafka:GetBootstrapBrokers', cluster, ENV)).toBe(true);
    expect(isAllowed(t, s, 'kafka:GetBootstrapBrokers', other, ENV)).toBe(false);
    expect(isAllowed(t, s, 'kafka:DeleteCluster', cluster, ENV)).toBe(false);
  });

  it('attaches no AWS managed policy to any role', () => {
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as Resource[];
    expect(roles.flatMap((r) => (r.Properties.ManagedPolicyArns as unknown[]) ?? [])).toEqual([]);
  });
});

describe('trial: the setting is checked at synth', () => {
  const refuse = expectSourceRefused;
  const MSK = {
    clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/ticks/0b4cd1e2-1111-2222-3333-444455556666-2',
    bootstrapServers: ['b-1.example:9098'],
  };

  it('takes {} as 4 partitions', () =>
    expect(resolveConfig({ source: { kind: 'kafka', topic: 'ticks', trial: {} } }).source).toMatchObject({
      trial: { partitions: 4 },
    }));
  it('refuses a trial beside an existing cluster', () =>
    refuse({ ...TRIAL, msk: MSK }, 'source', /exactly one of "msk".*"trial"/));
  it('refuses a network with the trial, whose VPC the stack creates', () =>
    refuse(
      {
        ...TRIAL,
        network: { subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: ['sg-0a1b2c3d4e5f60718'] },
      },
      'source.network',
      /creates the VPC/,
    ));
  it('refuses partitions that are not a whole number from 1 to 120', () => {
    for (const partitions of [0, 121, 2.5, '4'])
      refuse({ ...TRIAL, trial: { partitions } }, 'source.trial.partitions', /from 1 to 120/);
  });
  it('refuses an unknown trial field', () =>
    refuse({ ...TRIAL, trial: { partitions: 4, brokers: 3 } }, 'source.trial.brokers', /no such setting/));
});

describe('trial: the idle cost', () => {
  it('counts the cluster, the partitions and the interface endpoint AZs the template has', () => {
    for (const more of [{}, { marketAlerts: 'off' as const }]) {
      const config = resolveConfig({ prefix: 'tf-trial', source: TRIAL, ...more });
      const t = synth(more);
      const inv = alwaysOnInventory(config);
      const endpointAzs = Object.values(t.findResources('AWS::EC2::VPCEndpoint'))
        .map((e) => (e as Resource).Properties)
        .filter((p) => p.VpcEndpointType === 'Interface')
        .reduce((n, p) => n + (p.SubnetIds as unknown[]).length, 0);
      expect(inv).toMatchObject({
        kafkaClusters: 0,
        mskServerlessClusters: Object.keys(t.findResources('AWS::MSK::ServerlessCluster')).length,
        mskServerlessPartitions: Number(only(t, 'Custom::KafkaTopic')[1].Properties.Partitions),
        vpcInterfaceEndpointAzs: endpointAzs,
      });
    }
  });

  it('prints hundreds of dollars a month idle for the example trial environment (tickflow cost --idle)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      resolve(PROJECT_ROOT, 'bin', 'tickflow.mjs'),
      ...['cost', '--idle', '--env', 'msk-trial', '--env-dir', EXAMPLES, '--json'],
    ]);
    const report = JSON.parse(stdout) as ReturnType<typeof idleCost> & { environment: string };
    const expected = idleCost(
      alwaysOnInventory(loadEnvironment('msk-trial', {}, EXAMPLES).config),
      PRICE_TABLE,
    );
    expect(report).toEqual({ environment: 'msk-trial', ...expected });
    const line = (item: string) => report.lines.find((l) => l.item === item);
    expect(line('MSK Serverless trial clusters')).toEqual({
      item: 'MSK Serverless trial clusters',
      count: 1,
      usd: 730 * 0.75,
    });
    expect(line('MSK Serverless partitions')?.usd).toBeCloseTo(4 * 730 * 0.0015, 9);
    expect(line('VPC interface endpoints (one per AZ)')?.usd).toBeCloseTo(2 * 730 * 0.01, 9);
    expect(report.usd).toBeGreaterThan(500);
  }, 60_000);
});
