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
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatStatus,
  type SdkClient,
  type StatusTargets,
  stackStatus,
} from '../../cli/status/stack-status.js';
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
      streamName: aws.names.tickStream,
      outputTable: aws.names.outputTable,
      keyspace: 'tickflow_dev',
      servingTable: 'bars',
      iteratorAgeMs: 60_000,
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
      { ...targets, streamName: 'no-such-stream' },
      NOW,
    );
    expect(lines.find((l) => l.component === 'stream')).toMatchObject({ ok: false });
    expect(lines.find((l) => l.component === 'stream')!.text).toContain('ResourceNotFoundException');
  });
});
