import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetTableCommand } from '@aws-sdk/client-keyspaces';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { materializedPk } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoRunLease } from '../../shared/adapters/dynamo/run-lease.js';
import { utcDate } from '../../shared/lake/index.js';
import { kafkaConsumers, kinesisConsumers } from './consumers.js';

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
  /** The Amazon MSK control plane (DescribeClusterV2); needed only for a source on MSK. */
  readonly kafka?: SdkClient;
}

/**
 * Where the stack reads its ticks (the `source` setting, infra/kafka-source.ts), with the lag that
 * makes a consumer behind: Lambda publishes `IteratorAge` for Kinesis and `OffsetLag` for Kafka.
 */
export type StatusSource =
  | {
      readonly kind: 'kinesis';
      readonly streamName: string;
      /** Iterator age above which a consumer is behind (the deployed alarm's threshold). */
      readonly iteratorAgeMs: number;
    }
  | {
      readonly kind: 'kafka';
      readonly topic: string;
      /** Amazon MSK: the cluster, described with DescribeClusterV2; its mappings listed by its ARN. */
      readonly clusterArn?: string;
      /**
       * The stack's own MSK Serverless trial cluster (`source.trial`): its ARN and brokers are known
       * only once deployed, as the stack's outputs `KafkaClusterArn` and `KafkaBootstrapServers`.
       */
      readonly trial?: boolean;
      /** The brokers; on a self-managed cluster the only thing there is to report (no AWS API describes it). */
      readonly bootstrapServers: readonly string[];
      /** One consumer group per consumer of the stack (`<prefix>-aggregator`, `<prefix>-bronze`). */
      readonly consumerGroups: readonly string[];
      /** Offset lag above which a consumer is behind, in records (the deployed alarm's threshold). */
      readonly offsetLagRecords: number;
    };

/** What `tickflow status` looks at, by name (derived from the environment, infra/config.ts). */
export interface StatusTargets {
  readonly stackName: string;
  readonly source: StatusSource;
  readonly outputTable: string;
  readonly keyspace?: string;
  readonly servingTable?: string;
  /** How old the last materialization may be before it is a finding (it runs every minute). */
  readonly materializationStaleMs: number;
  /** How long ago the compactor's last run may have ended before it is a finding (it runs every `compactorMinutes`). */
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

/** A stack's status (and why) and its outputs by key, from DescribeStacks. */
export async function describeStack(
  cloudformation: SdkClient,
  stackName: string,
): Promise<{ status: string; reason?: string; outputs: Record<string, string> }> {
  const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  if (!stack) throw new Error(`DescribeStacks returned no stack named ${stackName}`);
  return {
    status: stack.StackStatus,
    reason: stack.StackStatusReason,
    outputs: Object.fromEntries(
      // biome-ignore lint/suspicious/noExplicitAny: an Output as DescribeStacks returns it
      (stack.Outputs ?? []).map((o: any) => [String(o.OutputKey), String(o.OutputValue)]),
    ),
  };
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
 * preprocess state machine and the consumers' functions), the source (the Kinesis stream, or the Kafka
 * cluster and topic), each event source mapping reading it (state, last processing result, iterator
 * age or offset lag, on-failure destination depth), the stack's alarms in ALARM, the last materialization, the
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
    const stack = await describeStack(c.cloudformation, t.stackName);
    outputs = stack.outputs;
    const reason = stack.reason ? ` (${stack.reason})` : '';
    lines.push({
      component: 'stack',
      ok: SETTLED_STACK.has(stack.status),
      text: `${t.stackName} ${stack.status}${reason}`,
    });
  });

  if (t.source.kind === 'kinesis') await kinesisConsumers(c, t, t.source, lines, check, now);
  else await kafkaConsumers(c, t, t.source, outputs, lines, check, now);

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

/** The report: one line per check, findings marked. */
export function formatStatus(lines: readonly StatusLine[]): string {
  const bad = lines.filter((l) => !l.ok).length;
  const body = lines.map((l) => `${l.ok ? '  ok     ' : '  UNHEALTHY'} ${l.component}: ${l.text}`);
  return `${[...body, '', bad === 0 ? 'healthy' : `${bad} finding${bad === 1 ? '' : 's'}`].join('\n')}\n`;
}
