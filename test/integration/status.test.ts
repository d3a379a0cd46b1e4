/**
 * `tickflow status` against a deployed-shaped local stack: the stream, the outputs table (materialization
 * marks, the compactor's run lease) and the on-failure bucket are the emulators' (Kinesis, DynamoDB,
 * S3); the stack is a CloudFormation stack on moto's server (`moto_server`), whose outputs carry the
 * names the real stack's outputs carry (infra/stacks/tickflow-stack.ts), so status finds the preprocess
 * state machine as it does on AWS, through DescribeStacks; Lambda's event source mappings, CloudWatch, SQS, Step Functions and the Keyspaces control plane
 * have no emulator here, so their clients answer with responses shaped as the API references' examples:
 * - ListEventSourceMappings: https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html
 *   (EventSourceMappingConfiguration: https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html)
 * - DescribeAlarms: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * - GetMetricStatistics: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 * - GetQueueUrl / GetQueueAttributes: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 * - Keyspaces GetTable: https://docs.aws.amazon.com/keyspaces/latest/APIReference/API_GetTable.html
 * - ListExecutions: https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
 *
 * On a Kafka source the mappings carry `Topics`, the consumer group
 * (`AmazonManagedKafkaEventSourceConfig` / `SelfManagedKafkaEventSourceConfig`), the brokers
 * (`SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS`) and the provisioned pollers, as
 * EventSourceMappingConfiguration documents them; a cluster Lambda cannot reach or sign in to shows as
 * a `LastProcessingResult` of `PROBLEM: …` while the mapping stays Enabled ("Troubleshooting Kafka event
 * source mapping errors", https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-troubleshoot.html);
 * the lag is AWS/Lambda `OffsetLag` by FunctionName, in records
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). MSK's DescribeClusterV2
 * answers as its reference documents it (https://docs.aws.amazon.com/MSK/2.0/APIReference/v2-clusters-clusterarn.html);
 * moto has the API, but its answer's creation time has no time zone, which the SDK refuses.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatus } from '../../cli/commands/status.js';
import {
  formatStatus,
  type SdkClient,
  type StatusTargets,
  stackStatus,
} from '../../cli/status/stack-status.js';
import { resolveConfig } from '../../infra/config.js';
import type { TickflowEnvironment } from '../../infra/environments.js';
import type { SourceSetting } from '../../infra/kafka-source.js';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import {
  createDocumentClient,
  createKinesisClient,
  createS3Client,
} from '../../shared/adapters/aws-clients.js';
import { DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoRunLease } from '../../shared/adapters/dynamo/run-lease.js';
import { failedBatchKey } from '../../shared/adapters/failed-batches/index.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { utcDate } from '../../shared/lake/index.js';
import { type MotoServer, startMotoServer } from '../support/moto-server.js';

const ACCOUNT = '123456789012';
const NOW = Date.now();

/** A client answering each command by its class name; every input is recorded. */
function documented(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const client: SdkClient = {
    async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = cmd.constructor.name;
      sent.push({ command: name, input: cmd.input });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(cmd.input);
    },
  };
  return { client, sent };
}

const mappingId = (fn: string) => `a1b2c3d4-5678-90ab-cdef-${fn.length.toString().padStart(12, '0')}`;
const STATE_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:PreprocessStateMachine2A3B4C5D-Ab1Cd2Ef3Gh4`;

/** The aggregator's failed batches go to an S3 bucket (as deployed); the bronze writer's to an SQS queue. */
function mapping(streamArn: string, fn: string, destination: string, state = 'Enabled') {
  return {
    UUID: mappingId(fn),
    BatchSize: 100,
    EventSourceArn: streamArn,
    FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`,
    LastModified: 1569284520.333,
    LastProcessingResult: 'OK',
    State: state,
    StateTransitionReason: 'User action',
    DestinationConfig: { OnFailure: { Destination: destination } },
  };
}

function clients(
  aws: LocalAws,
  o: { iteratorAge: number; depth: string; alarm?: boolean; state?: string; execution?: string },
) {
  const lambda = documented({
    ListEventSourceMappingsCommand: () => ({
      EventSourceMappings: [
        mapping(
          aws.streamArn,
          'Tickflow-dev-Aggregator',
          `arn:aws:s3:::${aws.names.failedBatchesBucket}`,
          o.state,
        ),
        mapping(
          aws.streamArn,
          'Tickflow-dev-BronzeWriter',
          `arn:aws:sqs:us-east-1:${ACCOUNT}:Tickflow-dev-BronzeWriter-dlq`,
        ),
      ],
    }),
  });
  const sfn = documented({
    ListExecutionsCommand: (input) => ({
      executions: [
        {
          executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:PreprocessStateMachine2A3B4C5D-Ab1Cd2Ef3Gh4:nightly-1`,
          stateMachineArn: input.stateMachineArn,
          name: 'nightly-1',
          status: o.execution ?? 'SUCCEEDED',
          startDate: new Date(NOW - 3_600_000),
          stopDate: new Date(NOW - 3_000_000),
        },
      ],
    }),
  });
  const cloudwatch = documented({
    DescribeAlarmsCommand: () => ({
      MetricAlarms: o.alarm
        ? [
            {
              AlarmName: 'Tickflow-dev-AggregatorIteratorAge1A2B3C-XYZ',
              StateValue: 'ALARM',
              StateReason:
                'Threshold Crossed: 1 datapoint [90000.0 (03/12/26 11:00:00)] was greater than the threshold (60000.0).',
            },
          ]
        : [],
      CompositeAlarms: [],
    }),
    GetMetricStatisticsCommand: () => ({
      Label: 'IteratorAge',
      Datapoints: [
        { Timestamp: new Date(NOW - 120_000), Maximum: 10, Unit: 'Milliseconds' },
        { Timestamp: new Date(NOW - 60_000), Maximum: o.iteratorAge, Unit: 'Milliseconds' },
      ],
    }),
  });
  const sqs = documented({
    GetQueueUrlCommand: (input) => ({
      QueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${input.QueueName}`,
    }),
    GetQueueAttributesCommand: () => ({ Attributes: { ApproximateNumberOfMessages: o.depth } }),
  });
  const keyspaces = documented({
    GetTableCommand: (input) => ({
      keyspaceName: input.keyspaceName,
      tableName: input.tableName,
      resourceArn: `arn:aws:cassandra:us-east-1:${ACCOUNT}:/keyspace/${input.keyspaceName}/table/${input.tableName}`,
      creationTimestamp: 1662681206.032,
      status: 'ACTIVE',
      capacitySpecification: {
        throughputMode: 'PAY_PER_REQUEST',
        lastUpdateToPayPerRequestTimestamp: 1662681206.032,
      },
      pointInTimeRecovery: { status: 'ENABLED', earliestRestorableTimestamp: 1662681206.032 },
      ttl: { status: 'ENABLED' },
      defaultTimeToLive: 0,
    }),
  });
  return { lambda, cloudwatch, sqs, keyspaces, sfn };
}

describe('tickflow status on a deployed-shaped local stack', () => {
  let aws: LocalAws;
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;
  let targets: StatusTargets;
  beforeAll(async () => {
    [aws, moto] = await Promise.all([startLocalAws({ shards: 2 }), startMotoServer()]);
    cloudformation = new CloudFormationClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // A stack with the outputs status reads, under the deployed stack's name.
    await cloudformation.send(
      new CreateStackCommand({
        StackName: 'Tickflow-dev',
        TemplateBody: JSON.stringify({
          Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
          Outputs: {
            PreprocessStateMachineArn: { Value: STATE_MACHINE },
            AlarmTopicArn: { Value: { Ref: 'Topic' } },
          },
        }),
      }),
    );
    targets = {
      stackName: 'Tickflow-dev',
      source: { kind: 'kinesis', streamName: aws.names.tickStream, iteratorAgeMs: 60_000 },
      outputTable: aws.names.outputTable,
      keyspace: 'tickflow_dev',
      servingTable: 'bars',
      materializationStaleMs: 300_000,
      compactionStaleMs: 900_000,
      environment: 'dev',
    };
  }, 60_000);
  afterAll(() => Promise.all([aws?.stop(), moto?.stop()]));

  const run = async (o: Parameters<typeof clients>[1], t: StatusTargets = targets) => {
    const fakes = clients(aws, o);
    const lines = await stackStatus(
      {
        cloudformation,
        kinesis: createKinesisClient(aws.clientConfig),
        doc: createDocumentClient(aws.clientConfig),
        s3: createS3Client(aws.clientConfig),
        lambda: fakes.lambda.client,
        cloudwatch: fakes.cloudwatch.client,
        sqs: fakes.sqs.client,
        keyspaces: fakes.keyspaces.client,
        sfn: fakes.sfn.client,
      },
      t,
      NOW,
    );
    return { lines, fakes };
  };

  it('a stack never materialized nor compacted is a finding; once both ran and quiet, it is healthy', async () => {
    const before = await run({ iteratorAge: 50, depth: '0' });
    expect(before.lines.filter((l) => !l.ok).map((l) => l.component)).toEqual(['materializer', 'compactor']);

    const outputs = new DynamoOutputStore(createDocumentClient(aws.clientConfig), aws.names.outputTable);
    await outputs.markMaterialized(
      { date: utcDate(NOW), partition: { kind: 'quarantine', date: utcDate(NOW) }, changedAt: NOW - 60_000 },
      NOW,
    );
    // The compactor's last run ended two minutes ago.
    const lease = new DynamoRunLease(
      createDocumentClient(aws.clientConfig),
      aws.names.outputTable,
      () => NOW - 120_000,
    );
    expect(await lease.acquire('compactor', 'run-1', NOW)).toBe(true);
    await lease.release('compactor', 'run-1');
    const { lines, fakes } = await run({ iteratorAge: 50, depth: '0' });
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(formatStatus(lines)).toMatch(/healthy\n$/);
    expect(lines.find((l) => l.component === 'stream')?.text).toContain('ACTIVE, 2 open shards');
    expect(lines.find((l) => l.component === 'compactor')?.text).toBe(
      `last compaction run ended ${new Date(NOW - 120_000).toISOString()} (120 s ago)`,
    );
    expect(lines.find((l) => l.component === 'stack')?.text).toBe('Tickflow-dev CREATE_COMPLETE');
    // The state machine is the stack's output: no flag, no environment variable.
    expect(fakes.sfn.sent[0]!.input).toEqual({ stateMachineArn: STATE_MACHINE, maxResults: 1 });
    expect(lines.find((l) => l.component === 'preprocess')?.text).toBe(
      `last execution nightly-1 SUCCEEDED (started ${new Date(NOW - 3_600_000).toISOString()}, ended ${new Date(NOW - 3_000_000).toISOString()})`,
    );
    expect(lines.map((l) => l.text)).toContain(
      `on-failure bucket ${aws.names.failedBatchesBucket}: no failed batch to replay`,
    );
    expect(lines.find((l) => l.component === 'serving table')?.text).toBe(
      'tickflow_dev.bars ACTIVE, capacity PAY_PER_REQUEST, TTL ENABLED, PITR ENABLED',
    );
    // The mappings are looked up by the stream's ARN as Kinesis reports it, alarms by the stack's name.
    expect(fakes.lambda.sent[0]!.input).toEqual({ EventSourceArn: aws.streamArn });
    expect(fakes.cloudwatch.sent.find((s) => s.command === 'DescribeAlarmsCommand')?.input).toMatchObject({
      AlarmNamePrefix: 'Tickflow-dev-',
      StateValue: 'ALARM',
    });
  });

  it('says what is wrong: an alarm, a disabled mapping, a consumer behind, failed batches not replayed, a failed execution', async () => {
    // A batch the aggregator's mapping gave up on, where Lambda writes it; another one already replayed.
    const bucket = new S3ObjectStore(createS3Client(aws.clientConfig), aws.names.failedBatchesBucket);
    const key = failedBatchKey(
      mappingId('Tickflow-dev-Aggregator'),
      'shardId-000000000000',
      new Date(NOW),
      'u-1',
    );
    await bucket.put(key, new TextEncoder().encode('{}'));
    await bucket.put(`replayed/${key}-earlier`, new TextEncoder().encode('{}'));
    const { lines } = await run({
      iteratorAge: 90_000,
      depth: '3',
      alarm: true,
      state: 'Disabled',
      execution: 'FAILED',
    });
    await bucket.delete(key);
    const findings = lines.filter((l) => !l.ok).map((l) => `${l.component}: ${l.text}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^consumer Tickflow-dev-Aggregator: mapping .* Disabled \(User action\)/),
        'consumer Tickflow-dev-Aggregator: iterator age 90000 ms (limit 60000 ms)',
        expect.stringMatching(
          /^consumer Tickflow-dev-BronzeWriter: on-failure queue Tickflow-dev-BronzeWriter-dlq holds 3 discarded batches/,
        ),
        expect.stringMatching(
          new RegExp(
            `^consumer Tickflow-dev-Aggregator: on-failure bucket ${aws.names.failedBatchesBucket} holds 1 failed batches not replayed \\(oldest .*\\): fix the cause, then tickflow dlq replay --env dev --mapping ${mappingId('Tickflow-dev-Aggregator')} `,
          ),
        ),
        expect.stringMatching(/^preprocess: last execution nightly-1 FAILED/),
        expect.stringMatching(
          /^alarms: Tickflow-dev-AggregatorIteratorAge1A2B3C-XYZ in ALARM: Threshold Crossed/,
        ),
      ]),
    );
    expect(formatStatus(lines)).toMatch(/\d+ findings\n$/);
  });

  it('--state-machine overrides the output; a stack that does not exist is a finding and the preprocess line says why it was not checked', async () => {
    const other = `${STATE_MACHINE}-other`;
    const { fakes } = await run({ iteratorAge: 1, depth: '0' }, { ...targets, stateMachineArn: other });
    expect(fakes.sfn.sent[0]!.input).toEqual({ stateMachineArn: other, maxResults: 1 });

    const { lines, fakes: none } = await run(
      { iteratorAge: 1, depth: '0' },
      { ...targets, stackName: 'Tickflow-gone' },
    );
    expect(lines.find((l) => l.component === 'stack')).toEqual({
      component: 'stack',
      ok: false,
      text: 'could not be read: ValidationError: Stack with id Tickflow-gone does not exist',
    });
    expect(lines.find((l) => l.component === 'preprocess')?.text).toBe(
      'not checked: the stack could not be read; give --state-machine ARN',
    );
    expect(none.sfn.sent).toEqual([]);
  });

  it('a resource that cannot be read is a finding, not a crash', async () => {
    const lines = await stackStatus(
      {
        cloudformation,
        kinesis: createKinesisClient(aws.clientConfig),
        doc: createDocumentClient(aws.clientConfig),
        ...Object.fromEntries(
          Object.entries(clients(aws, { iteratorAge: 1, depth: '0' })).map(([k, v]) => [k, v.client]),
        ),
      } as never,
      { ...targets, source: { kind: 'kinesis', streamName: 'no-such-stream', iteratorAgeMs: 60_000 } },
      NOW,
    );
    expect(lines.find((l) => l.component === 'stream')).toMatchObject({ ok: false });
    expect(lines.find((l) => l.component === 'stream')!.text).toContain('ResourceNotFoundException');
  });

  describe('on a Kafka source', () => {
    const TOPIC = 'ticks';
    const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:tickflow-kafka-AbCdEf`;
    const BROKERS = ['broker-1.example.net:9096', 'broker-2.example.net:9096'];
    const FUNCTIONS = {
      aggregator: 'Tickflow-kafka-AggregatorFn1A2B3C-AbCdEf',
      bronze: 'Tickflow-kafka-BronzeFn4D5E6F-GhIjKl',
    };
    const CLUSTER = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/ticks/0b4cd1e2-a1b2-4c3d-9e8f-0123456789ab-s2`;

    beforeAll(async () => {
      // The stack as deployed with a Kafka source: its outputs name the consumers' functions.
      await cloudformation.send(
        new CreateStackCommand({
          StackName: 'Tickflow-kafka',
          TemplateBody: JSON.stringify({
            Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
            Outputs: {
              PreprocessStateMachineArn: { Value: STATE_MACHINE },
              KafkaTopic: { Value: TOPIC },
              AggregatorFunctionName: { Value: FUNCTIONS.aggregator },
              BronzeWriterFunctionName: { Value: FUNCTIONS.bronze },
              // What a trial cluster's stack outputs (`source.trial`); ignored by the other sources.
              KafkaClusterArn: { Value: CLUSTER },
              FailedBatchesBucketName: { Value: aws.names.failedBatchesBucket },
            },
          }),
        }),
      );
      // Materialized a minute ago, compacted two minutes ago: the rest of the stack is healthy.
      const outputs = new DynamoOutputStore(createDocumentClient(aws.clientConfig), aws.names.outputTable);
      await outputs.markMaterialized(
        {
          date: utcDate(NOW),
          partition: { kind: 'quarantine', date: utcDate(NOW) },
          changedAt: NOW - 60_000,
        },
        NOW,
      );
      const lease = new DynamoRunLease(
        createDocumentClient(aws.clientConfig),
        aws.names.outputTable,
        () => NOW - 120_000,
      );
      if (await lease.acquire('compactor', 'run-kafka', NOW)) await lease.release('compactor', 'run-kafka');
    });

    const environment = (source: SourceSetting, stackName = 'Tickflow-kafka'): TickflowEnvironment => ({
      name: 'kafka',
      stackName,
      // The local stack's prefix, so the outputs table is the emulator's.
      config: resolveConfig({ prefix: 'tickflow', source, alarms: { offsetLagRecords: 25_000 } }),
    });
    const msk = (clusterArn: string): SourceSetting => ({
      kind: 'kafka',
      topic: TOPIC,
      msk: { clusterArn, bootstrapServers: ['b-1.ticks.a1b2c3.c2.kafka.us-east-1.amazonaws.com:9098'] },
      network: { subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: ['sg-0a1b2c3d4e5f60718'] },
    });
    const selfManaged: SourceSetting = {
      kind: 'kafka',
      topic: TOPIC,
      selfManaged: { bootstrapServers: BROKERS, authentication: 'SASL_SCRAM_512', secretArn: SECRET },
    };

    /** A Kafka mapping of `consumer`, on MSK (`clusterArn`) or the self-managed brokers. */
    function kafkaMapping(
      consumer: 'aggregator' | 'bronze',
      clusterArn: string | undefined,
      over: object = {},
    ) {
      const group = { ConsumerGroupId: `tickflow-${consumer}` };
      return {
        UUID: `b1c2d3e4-5678-90ab-cdef-0000000000${consumer === 'aggregator' ? '01' : '02'}`,
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 20,
        StartingPosition: 'TRIM_HORIZON',
        ...(clusterArn
          ? { EventSourceArn: clusterArn, AmazonManagedKafkaEventSourceConfig: group }
          : {
              SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: BROKERS } },
              SelfManagedKafkaEventSourceConfig: group,
              SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
            }),
        FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FUNCTIONS[consumer]}`,
        LastModified: 1569284520.333,
        LastProcessingResult: 'OK',
        State: 'Enabled',
        StateTransitionReason: 'USER_INITIATED',
        Topics: [TOPIC],
        DestinationConfig: { OnFailure: { Destination: `arn:aws:s3:::${aws.names.failedBatchesBucket}` } },
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
        ...over,
      };
    }

    /** `tickflow status` of `env` with these answers; the report as printed and the exit code. */
    async function kafkaStatus(
      env: TickflowEnvironment,
      o: { mappings: ReturnType<typeof kafkaMapping>[]; offsetLag?: number; clusterState?: string },
    ) {
      const base = clients(aws, { iteratorAge: 0, depth: '0' });
      const lambda = documented({
        ListEventSourceMappingsCommand: (input) => ({
          EventSourceMappings: input.EventSourceArn
            ? o.mappings.filter((m) => 'EventSourceArn' in m && m.EventSourceArn === input.EventSourceArn)
            : o.mappings.filter((m) => m.FunctionArn.endsWith(`:${input.FunctionName}`)),
        }),
      });
      const cloudwatch = documented({
        DescribeAlarmsCommand: () => ({ MetricAlarms: [], CompositeAlarms: [] }),
        GetMetricStatisticsCommand: (input) => ({
          Label: input.MetricName,
          Datapoints:
            o.offsetLag === undefined
              ? []
              : [
                  { Timestamp: new Date(NOW - 120_000), Maximum: 12, Unit: 'Count' },
                  { Timestamp: new Date(NOW - 60_000), Maximum: o.offsetLag, Unit: 'Count' },
                ],
        }),
      });
      const activeCluster = documented({
        DescribeClusterV2Command: (input) => ({
          ClusterInfo: {
            ClusterArn: input.ClusterArn,
            ClusterName: 'ticks',
            ClusterType: 'SERVERLESS',
            CreationTime: new Date(NOW - 86_400_000),
            CurrentVersion: 'K2EUQ1WTGCTBG2',
            State: o.clusterState ?? 'ACTIVE',
            Serverless: { VpcConfigs: [{ SubnetIds: ['subnet-0a1b2c3d4e5f60718'] }] },
            Tags: {},
          },
        }),
      });
      let printed = '';
      const code = await runStatus(
        env,
        { env: 'kafka', compactionStaleAfter: 900 },
        {
          cloudformation,
          kinesis: createKinesisClient(aws.clientConfig),
          doc: createDocumentClient(aws.clientConfig),
          s3: createS3Client(aws.clientConfig),
          lambda: lambda.client,
          cloudwatch: cloudwatch.client,
          sqs: base.sqs.client,
          keyspaces: base.keyspaces.client,
          sfn: base.sfn.client,
          kafka: activeCluster.client,
        },
        (text) => {
          printed += text;
        },
      );
      return { printed, code, lambda: lambda.sent, cloudwatch: cloudwatch.sent };
    }
    const unhealthy = (printed: string) => printed.split('\n').filter((l) => l.startsWith('  UNHEALTHY'));

    it('MSK, healthy: the cluster ACTIVE, the stack’s two mappings (by the cluster ARN, in its consumer groups) OK, offset lag under the limit; exit 0', async () => {
      // Another environment's consumer on the same cluster is not this stack's.
      const other = {
        ...kafkaMapping('aggregator', CLUSTER),
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'tickflow-prod-aggregator' },
        LastProcessingResult: 'PROBLEM: Cluster failed to authorize Lambda.',
      };
      const r = await kafkaStatus(environment(msk(CLUSTER)), {
        mappings: [kafkaMapping('aggregator', CLUSTER), kafkaMapping('bronze', CLUSTER), other],
        offsetLag: 300,
      });
      expect(unhealthy(r.printed)).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.printed).toContain(
        `  ok      source: MSK cluster ticks ACTIVE (SERVERLESS), topic ${TOPIC}\n`,
      );
      expect(r.printed).toContain(
        `  ok      consumer ${FUNCTIONS.aggregator}: mapping b1c2d3e4-5678-90ab-cdef-000000000001 (topic ticks, group tickflow-aggregator) Enabled, last result: OK\n`,
      );
      expect(r.printed).toContain(
        `  ok      consumer ${FUNCTIONS.bronze}: offset lag 300 records (limit 25000 records)\n`,
      );
      expect(r.printed).toContain(
        `on-failure bucket ${aws.names.failedBatchesBucket}: no failed batch to replay`,
      );
      expect(r.printed).not.toContain('stream:');
      expect(r.lambda.map((s) => s.input)).toEqual([{ EventSourceArn: CLUSTER }]);
      // OffsetLag as Lambda publishes it: AWS/Lambda, per function, the minute's maximum.
      expect(
        r.cloudwatch.filter((s) => s.command === 'GetMetricStatisticsCommand').map((s) => s.input),
      ).toEqual(
        [FUNCTIONS.aggregator, FUNCTIONS.bronze].map((fn) =>
          expect.objectContaining({
            Namespace: 'AWS/Lambda',
            MetricName: 'OffsetLag',
            Dimensions: [{ Name: 'FunctionName', Value: fn }],
            Statistics: ['Maximum'],
          }),
        ),
      );
    });

    it("MSK trial: the cluster is the stack's output KafkaClusterArn, its mappings found by it", async () => {
      const r = await kafkaStatus(environment({ kind: 'kafka', topic: TOPIC, trial: { partitions: 4 } }), {
        mappings: [kafkaMapping('aggregator', CLUSTER), kafkaMapping('bronze', CLUSTER)],
        offsetLag: 0,
      });
      expect(unhealthy(r.printed)).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.printed).toContain(
        `  ok      source: MSK trial cluster ticks ACTIVE (SERVERLESS), topic ${TOPIC}\n`,
      );
      expect(r.lambda.map((s) => s.input)).toEqual([{ EventSourceArn: CLUSTER }]);
    });

    it('MSK: a cluster not ACTIVE, a mapping in PROBLEM state and an offset lag above the limit are each UNHEALTHY; exit 1', async () => {
      const r = await kafkaStatus(environment(msk(CLUSTER)), {
        mappings: [
          kafkaMapping('aggregator', CLUSTER, {
            LastProcessingResult: 'PROBLEM: Cluster failed to authorize Lambda.',
          }),
          kafkaMapping('bronze', CLUSTER),
        ],
        offsetLag: 90_000,
        clusterState: 'HEALING',
      });
      expect(r.code).toBe(1);
      expect(unhealthy(r.printed)).toEqual([
        '  UNHEALTHY source: MSK cluster ticks HEALING (SERVERLESS), topic ticks',
        `  UNHEALTHY consumer ${FUNCTIONS.aggregator}: mapping b1c2d3e4-5678-90ab-cdef-000000000001 (topic ticks, group tickflow-aggregator) Enabled, last result: PROBLEM: Cluster failed to authorize Lambda.`,
        `  UNHEALTHY consumer ${FUNCTIONS.aggregator}: offset lag 90000 records (limit 25000 records)`,
        `  UNHEALTHY consumer ${FUNCTIONS.bronze}: offset lag 90000 records (limit 25000 records)`,
      ]);
      expect(r.printed).toMatch(/4 findings\n$/);
    });

    it('self-managed: the brokers and topic reported (nothing in AWS describes the cluster), the mappings listed by the functions the outputs name; PROBLEM and a missing mapping are UNHEALTHY', async () => {
      const healthy = await kafkaStatus(environment(selfManaged), {
        mappings: [kafkaMapping('aggregator', undefined), kafkaMapping('bronze', undefined)],
      });
      expect(healthy.code).toBe(0);
      expect(healthy.printed).toContain(
        `  ok      source: self-managed Kafka ${BROKERS.join(',')}, topic ticks (the cluster itself is not checked: no AWS API describes it; each mapping's last processing result says whether Lambda reaches it)\n`,
      );
      expect(healthy.printed).toContain(
        `consumer ${FUNCTIONS.bronze}: offset lag: no datapoint in the last 10 minutes`,
      );
      expect(healthy.lambda.map((s) => s.input)).toEqual([
        { FunctionName: FUNCTIONS.aggregator },
        { FunctionName: FUNCTIONS.bronze },
      ]);

      const broken = await kafkaStatus(environment(selfManaged), {
        mappings: [
          kafkaMapping('aggregator', undefined, {
            LastProcessingResult: 'PROBLEM: SASL authentication failed.',
          }),
        ],
        offsetLag: 25_001,
      });
      expect(broken.code).toBe(1);
      expect(unhealthy(broken.printed)).toEqual([
        `  UNHEALTHY event source mappings: none reads ticks in consumer group tickflow-bronze`,
        `  UNHEALTHY consumer ${FUNCTIONS.aggregator}: mapping b1c2d3e4-5678-90ab-cdef-000000000001 (topic ticks, group tickflow-aggregator) Enabled, last result: PROBLEM: SASL authentication failed.`,
        `  UNHEALTHY consumer ${FUNCTIONS.aggregator}: offset lag 25001 records (limit 25000 records)`,
      ]);

      // A stack deployed before it named its functions: the check that cannot be made is a finding.
      const old = await kafkaStatus(environment(selfManaged, 'Tickflow-dev'), { mappings: [] });
      expect(old.code).toBe(1);
      expect(unhealthy(old.printed)).toEqual([
        '  UNHEALTHY event source mappings: not checked: the stack has no output AggregatorFunctionName, BronzeWriterFunctionName (deployed before it had): npx cdk deploy, or look with aws lambda list-event-source-mappings --function-name <function>',
      ]);
      expect(old.lambda).toEqual([]);
    });
  });
});
