/**
 * The stack with a Kafka source (`source.kind` "kafka"): Amazon MSK with IAM access control, and a
 * self-managed cluster with SASL/SCRAM or mTLS. The event source mappings are checked against what
 * Lambda has for Kafka (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html),
 * the roles as IAM evaluates them, on the ARNs Lambda's Kafka pollers and the idle flush's producer
 * actually touch (Amazon MSK Developer Guide, "IAM access control": topic and group ARNs).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  HANDLER_ENV,
  resolveConfig,
  type TickflowConfigOverrides,
} from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';
import { alwaysOnInventory } from '../../infra/cost-inventory.js';
import { loadEnvironment } from '../../infra/environments.js';
import type { SourceSetting } from '../../infra/kafka-source.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { createTickflowApp } from '../../infra/tickflow-app.js';
import { watermarkTargetFromEnv } from '../../shared/adapters/watermark-target-env.js';
import { idleCost, PRICE_TABLE } from '../../shared/cost/index.js';
import { isAllowed, type Statement, statementsOfPolicies } from './iam-eval.js';
import { expectSourceRefused, handlerCodeForTests, templateApp, testOutdir } from './support.js';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const CLUSTER = 'arn:aws:kafka:eu-west-1:123456789012:cluster/ticks/0b4cd1e2-1111-2222-3333-444455556666-2';
const KAFKA = 'arn:aws:kafka:eu-west-1:123456789012';
const CLUSTER_ID = 'ticks/0b4cd1e2-1111-2222-3333-444455556666-2';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_tickflow-AbCdEf';
const NETWORK = {
  subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
  securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
};
const EXAMPLES = resolve(PROJECT_ROOT, 'docs', 'examples', 'environments');

const MSK: SourceSetting = {
  kind: 'kafka',
  topic: 'ticks',
  msk: { clusterArn: CLUSTER, bootstrapServers: ['b-1.ticks.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098'] },
  network: NETWORK,
};
const SASL: SourceSetting = {
  kind: 'kafka',
  topic: 'ticks',
  selfManaged: {
    bootstrapServers: ['kafka-1.example.com:9096'],
    authentication: 'SASL_SCRAM_512',
    secretArn: SECRET,
  },
  network: NETWORK,
};

function synth(source: SourceSetting, more: TickflowConfigOverrides = {}): Template {
  const stack = new TickflowStack(templateApp(), 'Tickflow', {
    env: ENV,
    config: resolveConfig({ prefix: 'tf-kafka', source, ...more }),
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

type Resource = { Properties: Record<string, unknown>; DependsOn?: string[] };
const mappingOf = (t: Template, fn: string) => {
  const [entry] = Object.entries(t.findResources('AWS::Lambda::EventSourceMapping')).filter(([id]) =>
    id.startsWith(fn),
  );
  return entry![1] as Resource;
};
const functionOf = (t: Template, fn: string) =>
  Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) =>
    id.startsWith(`${fn}Handler`),
  )![1] as Resource;
const envOf = (t: Template, fn: string) =>
  (functionOf(t, fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

describe('Kafka source: the event source mappings (MSK with IAM)', () => {
  const t = synth(MSK);

  it('creates no Kinesis stream, no producer policy and no stream outputs', () => {
    t.resourceCountIs('AWS::Kinesis::Stream', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(Object.keys(t.toJSON().Outputs)).not.toContain('TickStreamName');
    t.hasOutput('KafkaTopic', { Value: 'ticks' });
  });

  it('maps both consumers to the cluster and topic, each in its own consumer group, from the oldest record', () => {
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    for (const fn of ['Aggregator', 'Bronze']) {
      expect(mappingOf(t, fn).Properties).toMatchObject({
        EventSourceArn: CLUSTER,
        Topics: ['ticks'],
        StartingPosition: 'TRIM_HORIZON',
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `tf-kafka-${fn.toLowerCase()}` },
      });
      // IAM auth: no secret; the pollers use the cluster's own subnets and security groups.
      expect(mappingOf(t, fn).Properties).not.toHaveProperty('SourceAccessConfigurations');
    }
  });

  it("keeps Kinesis' error handling, which Lambda has for Kafka only with provisioned pollers", () => {
    for (const fn of ['Aggregator', 'Bronze']) {
      const p = mappingOf(t, fn).Properties;
      expect(p).toMatchObject({
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 21600,
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [expect.stringMatching(/^FailedBatchesBucket/), 'Arn'] },
          },
        },
      });
      // Kafka has no ParallelizationFactor: one batch at a time per partition, concurrency = partitions.
      expect(p).not.toHaveProperty('ParallelizationFactor');
    }
  });

  it('creates each mapping after its role policies, which Lambda checks when it creates the mapping', () => {
    expect(mappingOf(t, 'Aggregator').DependsOn).toEqual([
      expect.stringMatching(/^AggregatorHandlerFunctionEsmNetworkPolicy/),
      expect.stringMatching(/^AggregatorHandlerRoleDefaultPolicy/),
    ]);
  });

  it('keeps the network actions, which EC2 authorizes only on "*", in a policy of their own (the only one with "*" on the Kafka roles)', () => {
    const kafkaRoles = /^(AggregatorHandler|BronzeHandler|MaterializerHandler)/;
    const policies = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) =>
      kafkaRoles.test(id),
    );
    expect(policies.filter(([id]) => /NetworkPolicy/.test(id))).toHaveLength(3);
    for (const [id, policy] of policies) {
      const statements = policy.Properties.PolicyDocument.Statement as {
        Action: unknown;
        Resource: unknown;
      }[];
      const star = statements.filter((s) => ([] as unknown[]).concat(s.Resource).includes('*'));
      if (/NetworkPolicy/.test(id)) {
        expect(star).toEqual(statements);
        for (const s of statements) expect(String(s.Action)).toMatch(/^ec2:/);
      } else {
        expect({ id, star }).toEqual({ id, star: [] });
      }
    }
  });

  it('takes the poller bounds from source.pollers', () => {
    const custom = synth({ ...MSK, pollers: { minimum: 2, maximum: 8 } } as SourceSetting);
    expect(mappingOf(custom, 'Bronze').Properties.ProvisionedPollerConfig).toEqual({
      MinimumPollers: 2,
      MaximumPollers: 8,
    });
  });

  it('points the idle flush at the topic through the IAM brokers, from inside the VPC, with no tick stream', () => {
    const env = envOf(t, 'Materializer');
    expect(env).toMatchObject({
      [HANDLER_ENV.kafkaTopic]: 'ticks',
      [HANDLER_ENV.kafkaBootstrap]: 'b-1.ticks.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098',
      [HANDLER_ENV.kafkaAuth]: 'aws-msk-iam',
    });
    expect(env).not.toHaveProperty(HANDLER_ENV.tickStream);
    // What the deployed handler reads from that environment at cold start.
    expect(watermarkTargetFromEnv(env as NodeJS.ProcessEnv)).toEqual({
      kind: 'kafka',
      topic: 'ticks',
      bootstrap: 'b-1.ticks.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098',
      auth: 'aws-msk-iam',
    });
    expect(functionOf(t, 'Materializer').Properties.VpcConfig).toEqual({
      SubnetIds: NETWORK.subnetIds,
      SecurityGroupIds: NETWORK.securityGroupIds,
    });
    // The consumers run outside the VPC: only their pollers reach into it.
    expect(functionOf(t, 'Aggregator').Properties).not.toHaveProperty('VpcConfig');
  });
});

describe('Kafka source: IAM as IAM evaluates it (MSK with IAM access control)', () => {
  const t = synth(MSK);
  const topic = (name: string) => `${KAFKA}:topic/${CLUSTER_ID}/${name}`;
  const group = (name: string) => `${KAFKA}:group/${CLUSTER_ID}/${name}`;
  const allowed = (statements: Statement[], action: string, arn: string) =>
    isAllowed(t, statements, action, arn, ENV);

  it("lets each consumer's pollers connect, read the topic and commit its own group's offsets, and nothing wider", () => {
    for (const [fn, own, other] of [
      ['AggregatorHandler', 'tf-kafka-aggregator', 'tf-kafka-bronze'],
      ['BronzeHandler', 'tf-kafka-bronze', 'tf-kafka-aggregator'],
    ] as const) {
      const s = statementsOfPolicies(t, fn);
      for (const action of [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeClusterDynamicConfiguration',
        'kafka:DescribeClusterV2',
        'kafka:GetBootstrapBrokers',
      ]) {
        expect({ fn, action, ok: allowed(s, action, CLUSTER) }).toEqual({ fn, action, ok: true });
      }
      for (const action of ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData']) {
        expect(allowed(s, action, topic('ticks'))).toBe(true);
        expect(allowed(s, action, topic('other'))).toBe(false);
      }
      for (const action of ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup']) {
        expect(allowed(s, action, group(own))).toBe(true);
        expect(allowed(s, action, group(other))).toBe(false);
      }
      // A consumer never writes, and reaches no other cluster.
      expect(allowed(s, 'kafka-cluster:WriteData', topic('ticks'))).toBe(false);
      expect(allowed(s, 'kafka-cluster:AlterTopic', topic('ticks'))).toBe(false);
      expect(
        allowed(s, 'kafka-cluster:Connect', `${KAFKA}:cluster/other/0b4cd1e2-1111-2222-3333-444455556666-2`),
      ).toBe(false);
      // The network interfaces Lambda's pollers create in the cluster's subnets.
      expect(allowed(s, 'ec2:CreateNetworkInterface', '*')).toBe(true);
      expect(allowed(s, 'ec2:RunInstances', '*')).toBe(false);
    }
  });

  it('lets the idle flush produce idempotently to the topic, and not read it or touch a group', () => {
    const s = statementsOfPolicies(t, 'MaterializerHandler');
    expect(allowed(s, 'kafka-cluster:Connect', CLUSTER)).toBe(true);
    expect(allowed(s, 'kafka-cluster:WriteDataIdempotently', CLUSTER)).toBe(true);
    expect(allowed(s, 'kafka-cluster:DescribeTopic', topic('ticks'))).toBe(true);
    expect(allowed(s, 'kafka-cluster:WriteData', topic('ticks'))).toBe(true);
    expect(allowed(s, 'kafka-cluster:WriteData', topic('other'))).toBe(false);
    expect(allowed(s, 'kafka-cluster:ReadData', topic('ticks'))).toBe(false);
    expect(allowed(s, 'kafka-cluster:AlterGroup', group('tf-kafka-aggregator'))).toBe(false);
    expect(
      allowed(s, 'kinesis:PutRecords', `arn:aws:kinesis:eu-west-1:123456789012:stream/tf-kafka-ticks`),
    ).toBe(false);
    expect(allowed(s, 'ec2:CreateNetworkInterface', '*')).toBe(true);
  });

  it('attaches no AWS managed policy (AWSLambdaMSKExecutionRole allows every cluster and log group)', () => {
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as Resource[];
    expect(roles.flatMap((r) => (r.Properties.ManagedPolicyArns as unknown[]) ?? [])).toEqual([]);
  });
});

describe('Kafka source: a self-managed cluster', () => {
  it("names each consumer's function in an output, the function its mapping invokes (tickflow status lists a self-managed cluster's mappings by function)", () => {
    const t = synth(SASL);
    const outputs = t.toJSON().Outputs;
    for (const [output, fn] of [
      ['AggregatorFunctionName', 'Aggregator'],
      ['BronzeWriterFunctionName', 'Bronze'],
    ] as const) {
      expect(outputs[output].Value).toEqual(mappingOf(t, fn).Properties.FunctionName);
      expect(outputs[output].Value).toEqual({ Ref: expect.stringMatching(new RegExp(`^${fn}Handler`)) });
    }
  });

  it('maps SASL/SCRAM with the secret and the VPC subnets and security groups in the URI forms Lambda documents', () => {
    const t = synth(SASL);
    expect(mappingOf(t, 'Aggregator').Properties).toMatchObject({
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['kafka-1.example.com:9096'] } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'tf-kafka-aggregator' },
      Topics: ['ticks'],
      BisectBatchOnFunctionError: true,
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
      SourceAccessConfigurations: [
        { Type: 'SASL_SCRAM_512_AUTH', URI: SECRET },
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0a1b2c3d4e5f60718' },
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0f1e2d3c4b5a69788' },
        { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0a1b2c3d4e5f60718' },
      ],
    });
    expect(mappingOf(t, 'Aggregator').Properties).not.toHaveProperty('EventSourceArn');
    expect(watermarkTargetFromEnv(envOf(t, 'Materializer') as NodeJS.ProcessEnv)).toEqual({
      kind: 'kafka',
      topic: 'ticks',
      bootstrap: 'kafka-1.example.com:9096',
      auth: 'scram-sha-512',
      secretArn: SECRET,
    });
  });

  it('lets consumers and the idle flush read the secret (and decrypt it only through Secrets Manager), nothing of MSK', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/0b4cd1e2-1111-2222-3333-444455556666';
    const t = synth({
      ...SASL,
      selfManaged: { ...(SASL as { selfManaged: object }).selfManaged, secretKeyArn: key },
    } as SourceSetting);
    const via = { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] };
    for (const fn of ['AggregatorHandler', 'BronzeHandler', 'MaterializerHandler']) {
      const s = statementsOfPolicies(t, fn);
      expect({ fn, ok: isAllowed(t, s, 'secretsmanager:GetSecretValue', SECRET, ENV) }).toEqual({
        fn,
        ok: true,
      });
      expect(
        isAllowed(
          t,
          s,
          'secretsmanager:GetSecretValue',
          `${SECRET}-other`.replace('AbCdEf-other', 'Other-XyZ'),
          ENV,
        ),
      ).toBe(false);
      expect(isAllowed(t, s, 'kms:Decrypt', key, ENV, via)).toBe(true);
      expect(isAllowed(t, s, 'kms:Decrypt', key, ENV)).toBe(false);
      expect(isAllowed(t, s, 'kafka-cluster:Connect', CLUSTER, ENV)).toBe(false);
    }
  });

  it('maps mTLS with the client certificate secret and the private root CA', () => {
    const ca = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tickflow-ca-AbCdEf';
    const t = synth({
      kind: 'kafka',
      topic: 'ticks',
      selfManaged: {
        bootstrapServers: ['kafka-1.example.com:9094'],
        authentication: 'MTLS',
        secretArn: SECRET,
        rootCaSecretArn: ca,
      },
    });
    expect(mappingOf(t, 'Bronze').Properties.SourceAccessConfigurations).toEqual([
      { Type: 'CLIENT_CERTIFICATE_TLS_AUTH', URI: SECRET },
      { Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: ca },
    ]);
    expect(watermarkTargetFromEnv(envOf(t, 'Materializer') as NodeJS.ProcessEnv)).toMatchObject({
      auth: 'mtls',
      secretArn: SECRET,
      rootCaSecretArn: ca,
    });
    // Public brokers: nothing in a VPC, no network interface actions.
    expect(functionOf(t, 'Materializer').Properties).not.toHaveProperty('VpcConfig');
    expect(
      isAllowed(t, statementsOfPolicies(t, 'AggregatorHandler'), 'ec2:CreateNetworkInterface', '*', ENV),
    ).toBe(false);
    expect(
      isAllowed(t, statementsOfPolicies(t, 'BronzeHandler'), 'secretsmanager:GetSecretValue', ca, ENV),
    ).toBe(true);
  });
});

describe('Kafka source: the setting is checked at synth', () => {
  const refuse = expectSourceRefused;

  it('refuses an unknown kind', () => refuse({ kind: 'pulsar' }, 'source.kind', /"kinesis" or "kafka"/));
  it('refuses both cluster kinds, or none', () => {
    refuse(
      { ...MSK, selfManaged: (SASL as { selfManaged: object }).selfManaged },
      'source',
      /exactly one of "msk"/,
    );
    refuse({ kind: 'kafka', topic: 'ticks' }, 'source', /exactly one of "msk"/);
  });
  it('refuses a cluster ARN that is not one', () =>
    refuse(
      {
        ...MSK,
        msk: { clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:topic/x', bootstrapServers: ['b:9098'] },
      },
      'source.msk.clusterArn',
      /list-clusters-v2/,
    ));
  it('refuses MSK without the network the idle flush needs', () =>
    refuse({ ...MSK, network: undefined }, 'source.network', /idle flush/));
  it('refuses a subnet id that is not one', () =>
    refuse(
      { ...SASL, network: { ...NETWORK, subnetIds: ['10.0.1.0/24'] } },
      'source.network.subnetIds',
      /subnet-/,
    ));
  it('refuses an authentication Lambda does not have for self-managed Kafka here', () =>
    refuse(
      { ...SASL, selfManaged: { ...(SASL as { selfManaged: object }).selfManaged, authentication: 'PLAIN' } },
      'source.selfManaged.authentication',
      /SASL_SCRAM_256, SASL_SCRAM_512, MTLS/,
    ));
  it('refuses a misspelt field', () =>
    refuse({ ...MSK, topics: ['ticks'] }, 'source.topics', /no such setting/));
  it('refuses pollers out of range', () =>
    refuse({ ...MSK, pollers: { minimum: 3, maximum: 2 } }, 'source.pollers.maximum', /from the minimum/));
  it('refuses an MSK cluster in another region than the stack', () => {
    expect(
      () =>
        new TickflowStack(templateApp(), 'T', {
          env: { ...ENV, region: 'us-east-1' },
          config: resolveConfig({ source: MSK, serving: { enabled: false } }),
          handlerCode: handlerCodeForTests(),
        }),
    ).toThrow(/cluster is in eu-west-1 but the stack deploys to us-east-1/);
  });
});

describe('Kafka source: monitoring', () => {
  const t = synth(MSK, { alarms: { noTicksMinutes: 30, offsetLagRecords: 25_000 } });
  const alarms = Object.entries(t.findResources('AWS::CloudWatch::Alarm')) as [string, Resource][];
  const alarm = (id: string) => alarms.find(([logical]) => logical.startsWith(`Monitoring${id}`))?.[1];
  const functionRef = (fn: string) => ({ Ref: expect.stringMatching(new RegExp(`^${fn}Handler`)) });

  it("alarms on each consumer's OffsetLag (its one mapping's, by function), in records, instead of the iterator age Lambda does not publish for Kafka", () => {
    for (const fn of ['Aggregator', 'Bronze']) {
      expect(alarm(`${fn}IteratorAge`)).toBeUndefined();
      expect(alarm(`${fn}OffsetLag`)?.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'OffsetLag',
        Dimensions: [{ Name: 'FunctionName', Value: functionRef(fn) }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 25_000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmDescription: expect.stringContaining(`docs/runbook.md#${fn.toLowerCase()}offsetlag`),
      });
    }
  });

  it("defaults the lag threshold to a minute of a Kinesis shard's full rate (docs/configuration.md)", () => {
    expect(resolveConfig({ source: MSK }).alarms.offsetLagRecords).toBe(60 * 1000);
  });

  it('keeps the heartbeat: no valid tick applied by the aggregator (its own metric) for noTicksMinutes, missing data breaching', () => {
    expect(alarm('NoTicks')?.Properties).toMatchObject({
      Namespace: 'Tickflow/tf-kafka',
      MetricName: 'ValidTicks',
      Dimensions: [{ Name: 'service', Value: 'aggregator' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 6,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // The aggregator publishes under the namespace the alarm reads.
    expect(envOf(t, 'Aggregator')[HANDLER_ENV.metricsNamespace]).toBe('Tickflow/tf-kafka');
  });
});

describe('Kafka source: the idle cost and the example environment files', () => {
  it('lists no Kinesis shard or stream, the same alarms, and the cluster and the minimum pollers as running but not priced', () => {
    const config = resolveConfig({
      source: { ...MSK, pollers: { minimum: 3 } } as SourceSetting,
      alarms: { noTicksMinutes: 30 },
    });
    const kinesis = alwaysOnInventory(resolveConfig({ alarms: { noTicksMinutes: 30 } }));
    expect(alwaysOnInventory(config)).toEqual({
      ...kinesis,
      provisionedShards: 0,
      onDemandStreams: 0,
      kafkaClusters: 1,
      kafkaEventPollers: 6,
    });
    const idle = idleCost(alwaysOnInventory(config), PRICE_TABLE);
    const unpriced = idle.lines.filter((l) => l.count > 0 && l.usd === null).map((l) => [l.item, l.count]);
    expect(unpriced).toEqual([
      [expect.stringMatching(/^Kafka cluster/), 1],
      [expect.stringMatching(/^Lambda provisioned event pollers/), 6],
    ]);
    // The template agrees (test/infra/cost-inventory.test.ts counts its alarm metrics).
    const t = synth({ ...MSK, pollers: { minimum: 3 } } as SourceSetting, { alarms: { noTicksMinutes: 30 } });
    t.resourceCountIs('AWS::Kinesis::Stream', 0);
    expect(mappingOf(t, 'Aggregator').Properties.ProvisionedPollerConfig).toMatchObject({
      MinimumPollers: 3,
    });
  });

  it('synthesizes the example files of docs/examples/environments with cdk-nag clean', () => {
    for (const name of ['msk', 'kafka-sasl', 'msk-trial']) {
      expect(loadEnvironment(name, {}, EXAMPLES).config.source.kind).toBe('kafka');
      const outdir = testOutdir();
      const { app } = createTickflowApp({
        outdir,
        environmentsDir: EXAMPLES,
        env: ENV,
        handlerCode: handlerCodeForTests(),
        builtinCloudFormationValidation: false,
        context: { 'tickflow:env': name, 'aws:cdk:bundling-stacks': [] },
      });
      app.synth(); // throws on an unacknowledged cdk-nag error
      const reports = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'))
        .pluginReports as {
        violations: { ruleName: string }[];
      }[];
      expect({ name, violations: reports.flatMap((r) => r.violations.map((v) => v.ruleName)) }).toEqual({
        name,
        violations: [],
      });
    }
  }, 60_000);
});
