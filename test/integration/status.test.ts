/**
 * `tickflow status` against a deployed-shaped local stack: the stream and the outputs table are the
 * emulators' (Kinesis, DynamoDB); Lambda's event source mappings, CloudWatch, SQS and the Keyspaces
 * control plane have no emulator here, so their clients answer with responses shaped as the API
 * references' examples:
 * - ListEventSourceMappings: https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html
 *   (EventSourceMappingConfiguration: https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html)
 * - DescribeAlarms: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * - GetMetricStatistics: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 * - GetQueueUrl / GetQueueAttributes: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 * - Keyspaces GetTable: https://docs.aws.amazon.com/keyspaces/latest/APIReference/API_GetTable.html
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatStatus,
  type SdkClient,
  type StatusTargets,
  stackStatus,
} from '../../cli/status/stack-status.js';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient, createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { utcDate } from '../../shared/lake/index.js';

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

function mapping(streamArn: string, fn: string, state = 'Enabled') {
  return {
    UUID: `a1b2c3d4-5678-90ab-cdef-${fn.length.toString().padStart(12, '0')}`,
    BatchSize: 100,
    EventSourceArn: streamArn,
    FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`,
    LastModified: 1569284520.333,
    LastProcessingResult: 'OK',
    State: state,
    StateTransitionReason: 'User action',
    DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:${ACCOUNT}:${fn}-dlq` } },
  };
}

function clients(
  streamArn: string,
  o: { iteratorAge: number; depth: string; alarm?: boolean; state?: string },
) {
  const lambda = documented({
    ListEventSourceMappingsCommand: () => ({
      EventSourceMappings: [
        mapping(streamArn, 'Tickflow-dev-Aggregator', o.state),
        mapping(streamArn, 'Tickflow-dev-BronzeWriter'),
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
  return { lambda, cloudwatch, sqs, keyspaces };
}

describe('tickflow status on a deployed-shaped local stack', () => {
  let aws: LocalAws;
  let targets: StatusTargets;
  beforeAll(async () => {
    aws = await startLocalAws({ shards: 2 });
    targets = {
      stackName: 'Tickflow-dev',
      streamName: aws.names.tickStream,
      outputTable: aws.names.outputTable,
      keyspace: 'tickflow_dev',
      servingTable: 'bars',
      iteratorAgeMs: 60_000,
      materializationStaleMs: 300_000,
    };
  }, 60_000);
  afterAll(() => aws?.stop());

  const run = async (o: Parameters<typeof clients>[1]) => {
    const fakes = clients(aws.streamArn, o);
    const lines = await stackStatus(
      {
        kinesis: createKinesisClient(aws.clientConfig),
        doc: createDocumentClient(aws.clientConfig),
        lambda: fakes.lambda.client,
        cloudwatch: fakes.cloudwatch.client,
        sqs: fakes.sqs.client,
        keyspaces: fakes.keyspaces.client,
      },
      targets,
      NOW,
    );
    return { lines, fakes };
  };

  it('a stack never materialized is a finding; once materialized and quiet, it is healthy', async () => {
    const before = await run({ iteratorAge: 50, depth: '0' });
    expect(before.lines.filter((l) => !l.ok).map((l) => l.component)).toEqual(['materializer']);

    const outputs = new DynamoOutputStore(createDocumentClient(aws.clientConfig), aws.names.outputTable);
    await outputs.markMaterialized(
      { date: utcDate(NOW), partition: { kind: 'quarantine', date: utcDate(NOW) }, changedAt: NOW - 60_000 },
      NOW,
    );
    const { lines, fakes } = await run({ iteratorAge: 50, depth: '0' });
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(formatStatus(lines)).toMatch(/healthy\n$/);
    expect(lines.find((l) => l.component === 'stream')?.text).toContain('ACTIVE, 2 open shards');
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

  it('says what is wrong: an alarm, a disabled mapping, a consumer behind, a non-empty on-failure queue', async () => {
    const { lines } = await run({ iteratorAge: 90_000, depth: '3', alarm: true, state: 'Disabled' });
    const findings = lines.filter((l) => !l.ok).map((l) => `${l.component}: ${l.text}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^consumer Tickflow-dev-Aggregator: mapping .* Disabled \(User action\)/),
        'consumer Tickflow-dev-Aggregator: iterator age 90000 ms (limit 60000 ms)',
        expect.stringMatching(
          /^consumer Tickflow-dev-BronzeWriter: on-failure queue Tickflow-dev-BronzeWriter-dlq holds 3 discarded batches/,
        ),
        expect.stringMatching(
          /^alarms: Tickflow-dev-AggregatorIteratorAge1A2B3C-XYZ in ALARM: Threshold Crossed/,
        ),
      ]),
    );
    expect(formatStatus(lines)).toMatch(/\d+ findings\n$/);
  });

  it('a resource that cannot be read is a finding, not a crash', async () => {
    const lines = await stackStatus(
      {
        kinesis: createKinesisClient(aws.clientConfig),
        doc: createDocumentClient(aws.clientConfig),
        ...Object.fromEntries(
          Object.entries(clients(aws.streamArn, { iteratorAge: 1, depth: '0' })).map(([k, v]) => [
            k,
            v.client,
          ]),
        ),
      } as never,
      { ...targets, streamName: 'no-such-stream' },
      NOW,
    );
    expect(lines.find((l) => l.component === 'stream')).toMatchObject({ ok: false });
    expect(lines.find((l) => l.component === 'stream')!.text).toContain('ResourceNotFoundException');
  });
});
