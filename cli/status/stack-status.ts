import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { GetTableCommand } from '@aws-sdk/client-keyspaces';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { materializedPk } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoRunLease } from '../../shared/adapters/dynamo/run-lease.js';
import { FAILED_BATCH_PREFIX } from '../../shared/adapters/failed-batches/index.js';
import { utcDate } from '../../shared/lake/index.js';

/** Any SDK v3 client: the command is sent, the output returned (tests inject documented responses). */
export interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: each SDK client types its own commands
  send(command: any): Promise<any>;
}

export interface StatusClients {
  /** Reads the stack's status and outputs (DescribeStacks). */
  readonly cloudformation: SdkClient;
  readonly kinesis: SdkClient;
  readonly lambda: SdkClient;
  readonly cloudwatch: SdkClient;
  readonly sqs: SdkClient;
  readonly s3: SdkClient;
  readonly sfn: SdkClient;
  readonly doc: DynamoDBDocumentClient | SdkClient;
  /** Absent when the environment has no serving store. */
  readonly keyspaces?: SdkClient;
}

/** What `tickflow status` looks at, by name (derived from the environment, infra/config.ts). */
export interface StatusTargets {
  readonly stackName: string;
  readonly streamName: string;
  readonly outputTable: string;
  readonly keyspace?: string;
  readonly servingTable?: string;
  /** Iterator age above which a consumer is behind (the deployed alarm's threshold). */
  readonly iteratorAgeMs: number;
  /** How old the last materialization may be before it is a finding (it runs every minute). */
  readonly materializationStaleMs: number;
  /** How long ago the compactor's last run may have ended before it is a finding (it runs every 5 minutes). */
  readonly compactionStaleMs: number;
  /** The preprocess state machine; by default the stack's output `PreprocessStateMachineArn`. */
  readonly stateMachineArn?: string;
  /** The environment's name, for the commands the report suggests. */
  readonly environment?: string;
}

/** One line of the report: `ok` false is a finding, and the run exits non-zero. */
export interface StatusLine {
  readonly component: string;
  readonly ok: boolean;
  readonly text: string;
}

/** Stack statuses in which the stack's resources are as its template says (or being updated to it). */
const SETTLED_STACK = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_COMPLETE',
]);

/**
 * The health of a deployed stack: the stack itself (its status, and its outputs, which name the
 * preprocess state machine), the stream, each event source mapping on it (state, iterator
 * age, on-failure destination depth), the stack's alarms in ALARM, the last materialization, the
 * compactor's last run, the last preprocess execution and the serving table. Every check that cannot
 * be made is a finding too (an unreadable resource is not healthy).
 */
export async function stackStatus(
  c: StatusClients,
  t: StatusTargets,
  now: number = Date.now(),
): Promise<StatusLine[]> {
  const lines: StatusLine[] = [];
  const check = async (component: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      lines.push({
        component,
        ok: false,
        text: `could not be read: ${(err as Error).name}: ${(err as Error).message}`,
      });
    }
  };

  let outputs: Record<string, string> | undefined;
  await check('stack', async () => {
    const stack = (await c.cloudformation.send(new DescribeStacksCommand({ StackName: t.stackName })))
      .Stacks?.[0];
    if (!stack) throw new Error(`DescribeStacks returned no stack named ${t.stackName}`);
    outputs = Object.fromEntries(
      // biome-ignore lint/suspicious/noExplicitAny: an Output as DescribeStacks returns it
      (stack.Outputs ?? []).map((o: any) => [String(o.OutputKey), String(o.OutputValue)]),
    );
    const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
    lines.push({
      component: 'stack',
      ok: SETTLED_STACK.has(stack.StackStatus),
      text: `${t.stackName} ${stack.StackStatus}${reason}`,
    });
  });

  let streamArn: string | undefined;
  await check('stream', async () => {
    const s = (await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: t.streamName })))
      .StreamDescriptionSummary;
    streamArn = s.StreamARN;
    const ok = s.StreamStatus === 'ACTIVE';
    lines.push({
      component: 'stream',
      ok,
      text: `${t.streamName} ${s.StreamStatus}, ${s.OpenShardCount} open shards`,
    });
  });

  if (streamArn) {
    await check('event source mappings', async () => {
      const res = await c.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: streamArn }));
      const mappings = res.EventSourceMappings ?? [];
      if (mappings.length === 0)
        lines.push({ component: 'event source mappings', ok: false, text: `none reads ${t.streamName}` });
      for (const m of mappings) await mappingStatus(c, t, m, lines, now);
    });
  }

  await check('alarms', async () => {
    const res = await c.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${t.stackName}-`, StateValue: 'ALARM' }),
    );
    const alarms = [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])];
    if (alarms.length === 0) lines.push({ component: 'alarms', ok: true, text: 'none in ALARM' });
    for (const a of alarms)
      lines.push({ component: 'alarms', ok: false, text: `${a.AlarmName} in ALARM: ${a.StateReason}` });
  });

  await check('materializer', async () => {
    let last = Number.NEGATIVE_INFINITY;
    for (const date of [utcDate(now - 86_400_000), utcDate(now)]) {
      const res = await c.doc.send(
        new QueryCommand({
          TableName: t.outputTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': materializedPk(date) },
        }),
      );
      for (const item of res.Items ?? []) last = Math.max(last, Number(item.upTo));
    }
    if (last === Number.NEGATIVE_INFINITY)
      lines.push({
        component: 'materializer',
        ok: false,
        text: 'no partition materialized today or yesterday',
      });
    else {
      const age = now - last;
      lines.push({
        component: 'materializer',
        ok: age <= t.materializationStaleMs,
        text: `last materialization ${new Date(last).toISOString()} (${Math.round(age / 1000)} s ago)`,
      });
    }
  });

  await check('compactor', async () => {
    const lease = new DynamoRunLease(c.doc as DynamoDBDocumentClient, t.outputTable);
    const last = await lease.releasedAt('compactor');
    lines.push(
      last === undefined
        ? { component: 'compactor', ok: false, text: 'no compaction run recorded' }
        : {
            component: 'compactor',
            ok: now - last <= t.compactionStaleMs,
            text: `last compaction run ended ${new Date(last).toISOString()} (${Math.round((now - last) / 1000)} s ago)`,
          },
    );
  });

  await check('preprocess', async () => {
    const stateMachineArn = t.stateMachineArn ?? outputs?.PreprocessStateMachineArn;
    if (!stateMachineArn) {
      lines.push({
        component: 'preprocess',
        ok: true,
        text: outputs
          ? `not checked: the stack has no output PreprocessStateMachineArn; give --state-machine ARN`
          : 'not checked: the stack could not be read; give --state-machine ARN',
      });
      return;
    }
    const res = await c.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
    const last = res.executions?.[0];
    if (!last) {
      lines.push({ component: 'preprocess', ok: true, text: 'no execution yet' });
      return;
    }
    const ended = last.stopDate ? `, ended ${new Date(last.stopDate).toISOString()}` : '';
    lines.push({
      component: 'preprocess',
      ok: last.status === 'SUCCEEDED' || last.status === 'RUNNING',
      text: `last execution ${last.name} ${last.status} (started ${new Date(last.startDate).toISOString()}${ended})`,
    });
  });

  if (c.keyspaces && t.keyspace && t.servingTable) {
    const keyspaces = c.keyspaces;
    await check('serving table', async () => {
      const tbl = await keyspaces.send(
        new GetTableCommand({ keyspaceName: t.keyspace, tableName: t.servingTable }),
      );
      const facts = `capacity ${tbl.capacitySpecification?.throughputMode}, TTL ${tbl.ttl?.status ?? 'DISABLED'}, PITR ${tbl.pointInTimeRecovery?.status ?? 'DISABLED'}`;
      lines.push({
        component: 'serving table',
        ok: tbl.status === 'ACTIVE',
        text: `${t.keyspace}.${t.servingTable} ${tbl.status}, ${facts}`,
      });
    });
  }
  return lines;
}

// biome-ignore lint/suspicious/noExplicitAny: an EventSourceMappingConfiguration as ListEventSourceMappings returns it
async function mappingStatus(c: StatusClients, t: StatusTargets, m: any, lines: StatusLine[], now: number) {
  const fn = String(m.FunctionArn).split(':').at(-1);
  const component = `consumer ${fn}`;
  lines.push({
    component,
    ok: m.State === 'Enabled',
    text: `mapping ${m.UUID} ${m.State}${m.State === 'Enabled' ? '' : ` (${m.StateTransitionReason})`}, last result: ${m.LastProcessingResult}`,
  });
  const stats = await c.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: fn }],
      StartTime: new Date(now - 10 * 60_000),
      EndTime: new Date(now),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  const newest = [...(stats.Datapoints ?? [])].sort(
    (a, b) => new Date(b.Timestamp).getTime() - new Date(a.Timestamp).getTime(),
  )[0];
  if (newest)
    lines.push({
      component,
      ok: newest.Maximum <= t.iteratorAgeMs,
      text: `iterator age ${Math.round(newest.Maximum)} ms (limit ${t.iteratorAgeMs} ms)`,
    });
  else
    lines.push({
      component,
      ok: true,
      text: 'iterator age: no datapoint in the last 10 minutes (no records read)',
    });

  const destination: string | undefined = m.DestinationConfig?.OnFailure?.Destination;
  if (!destination) {
    lines.push({
      component,
      ok: false,
      text: 'no on-failure destination: discarded batches would leave no trace',
    });
    return;
  }
  const [, , service, , account, name] = destination.split(':');
  if (service === 's3') {
    await bucketDepth(c, t, m.UUID, name!, component, lines);
    return;
  }
  if (service !== 'sqs') {
    lines.push({
      component,
      ok: true,
      text: `on-failure destination ${destination} (depth not checked for ${service})`,
    });
    return;
  }
  const { QueueUrl } = await c.sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  const attrs = await c.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const depth = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
  lines.push({
    component,
    ok: depth === 0,
    text:
      depth === 0
        ? `on-failure queue ${name} empty`
        : `on-failure queue ${name} holds ${depth} discarded batches (docs/runbook.md, FailedBatches)`,
  });
}

/**
 * The failed batches of one mapping not yet replayed: Lambda's objects under `aws/lambda/<mapping>/`
 * (a replay moves them under `replayed/`), counted with ListObjectsV2.
 */
async function bucketDepth(
  c: StatusClients,
  t: StatusTargets,
  mappingId: string,
  bucket: string,
  component: string,
  lines: StatusLine[],
) {
  let depth = 0;
  let oldest: Date | undefined;
  let token: string | undefined;
  do {
    const page = await c.s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: `${FAILED_BATCH_PREFIX}${mappingId}/`,
        ContinuationToken: token,
      }),
    );
    for (const o of page.Contents ?? []) {
      depth++;
      const at = o.LastModified ? new Date(o.LastModified) : undefined;
      if (at && (!oldest || at < oldest)) oldest = at;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const replay = `tickflow dlq replay --env ${t.environment ?? '<env>'} --mapping ${mappingId}`;
  lines.push({
    component,
    ok: depth === 0,
    text:
      depth === 0
        ? `on-failure bucket ${bucket}: no failed batch to replay`
        : `on-failure bucket ${bucket} holds ${depth} failed batches not replayed${oldest ? ` (oldest ${oldest.toISOString()})` : ''}: fix the cause, then ${replay} (docs/runbook.md, FailedBatches)`,
  });
}

/** The report: one line per check, findings marked. */
export function formatStatus(lines: readonly StatusLine[]): string {
  const bad = lines.filter((l) => !l.ok).length;
  const body = lines.map((l) => `${l.ok ? '  ok     ' : '  UNHEALTHY'} ${l.component}: ${l.text}`);
  return `${[...body, '', bad === 0 ? 'healthy' : `${bad} finding${bad === 1 ? '' : 's'}`].join('\n')}\n`;
}
