import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeClusterV2Command } from '@aws-sdk/client-kafka';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { FAILED_BATCH_PREFIX } from '../../shared/adapters/failed-batches/index.js';
import type { SdkClient, StatusClients, StatusLine, StatusSource, StatusTargets } from './stack-status.js';

type KinesisSource = Extract<StatusSource, { kind: 'kinesis' }>;
type KafkaSource = Extract<StatusSource, { kind: 'kafka' }>;
/** Runs one check; an error it throws becomes a finding of `component`. */
export type Check = (component: string, fn: () => Promise<void>) => Promise<void>;

/**
 * The stack outputs naming the stream consumers' functions (infra/stacks/tickflow-stack.ts): a
 * self-managed Kafka cluster has no ARN to list the mappings by, so they are listed by function.
 */
export const CONSUMER_FUNCTION_OUTPUTS = ['AggregatorFunctionName', 'BronzeWriterFunctionName'] as const;

/** The lag Lambda publishes for a consumer (AWS/Lambda, per function) and the limit it is judged by. */
interface Lag {
  readonly metric: 'IteratorAge' | 'OffsetLag';
  readonly limit: number;
  readonly unit: string;
  readonly label: string;
}

/** The Kinesis stream (status, open shards) and each event source mapping on it, found by its ARN. */
export async function kinesisConsumers(
  c: StatusClients,
  t: StatusTargets,
  source: KinesisSource,
  lines: StatusLine[],
  check: Check,
  now: number,
): Promise<void> {
  let streamArn: string | undefined;
  await check('stream', async () => {
    const s = (await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: source.streamName })))
      .StreamDescriptionSummary;
    streamArn = s.StreamARN;
    lines.push({
      component: 'stream',
      ok: s.StreamStatus === 'ACTIVE',
      text: `${source.streamName} ${s.StreamStatus}, ${s.OpenShardCount} open shards`,
    });
  });
  if (!streamArn) return;
  const lag: Lag = { metric: 'IteratorAge', limit: source.iteratorAgeMs, unit: 'ms', label: 'iterator age' };
  await check('event source mappings', async () => {
    const mappings = await listMappings(c.lambda, { EventSourceArn: streamArn });
    if (mappings.length === 0)
      lines.push({ component: 'event source mappings', ok: false, text: `none reads ${source.streamName}` });
    for (const m of mappings) await mappingStatus(c, t, m, lag, lines, now);
  });
}

/**
 * A Kafka source: the cluster and the topic (on MSK, the stack's trial cluster included, the cluster's
 * state from DescribeClusterV2, ACTIVE being the healthy one; a self-managed cluster has no AWS API to
 * describe it, so only its brokers are named), then the stack's Kafka event source mappings: on MSK
 * those of the cluster's ARN in the stack's consumer groups, on a self-managed cluster those of the
 * functions the stack's outputs name.
 */
export async function kafkaConsumers(
  c: StatusClients,
  t: StatusTargets,
  source: KafkaSource,
  outputs: Record<string, string> | undefined,
  lines: StatusLine[],
  check: Check,
  now: number,
): Promise<void> {
  // The trial cluster's ARN is known once deployed: the stack's output.
  const clusterArn = source.trial ? outputs?.KafkaClusterArn : source.clusterArn;
  if (source.trial && !clusterArn) {
    lines.push({
      component: 'source',
      ok: false,
      text: outputs
        ? 'the stack has no output KafkaClusterArn for its trial cluster (deploy it again)'
        : 'not checked: the stack could not be read, so its trial cluster is not known',
    });
    return;
  }
  await check('source', async () => {
    if (!clusterArn) {
      lines.push({
        component: 'source',
        ok: true,
        text: `self-managed Kafka ${source.bootstrapServers.join(',')}, topic ${source.topic} (the cluster itself is not checked: no AWS API describes it; each mapping's last processing result says whether Lambda reaches it)`,
      });
      return;
    }
    if (!c.kafka) throw new Error('no Kafka (MSK) client to describe the cluster with');
    const info = (await c.kafka.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }))).ClusterInfo;
    const why =
      info.State === 'ACTIVE' || !info.StateInfo
        ? ''
        : ` (${info.StateInfo.Code}: ${info.StateInfo.Message})`;
    lines.push({
      component: 'source',
      ok: info.State === 'ACTIVE',
      text: `MSK ${source.trial ? 'trial ' : ''}cluster ${info.ClusterName} ${info.State}${why} (${info.ClusterType}), topic ${source.topic}`,
    });
  });

  const lag: Lag = {
    metric: 'OffsetLag',
    limit: source.offsetLagRecords,
    unit: 'records',
    label: 'offset lag',
  };
  await check('event source mappings', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: EventSourceMappingConfiguration as ListEventSourceMappings returns it
    let mappings: any[];
    if (clusterArn) {
      mappings = (await listMappings(c.lambda, { EventSourceArn: clusterArn })).filter((m) => {
        const group = consumerGroup(m);
        return group !== undefined && source.consumerGroups.includes(group);
      });
    } else {
      if (!outputs) throw new Error('the stack could not be read, so its functions are not known');
      const missing = CONSUMER_FUNCTION_OUTPUTS.filter((key) => !outputs[key]);
      if (missing.length > 0) {
        lines.push({
          component: 'event source mappings',
          ok: false,
          text: `not checked: the stack has no output ${missing.join(', ')} (deployed before it had): npx cdk deploy, or look with aws lambda list-event-source-mappings --function-name <function>`,
        });
        return;
      }
      mappings = [];
      for (const key of CONSUMER_FUNCTION_OUTPUTS)
        mappings.push(...(await listMappings(c.lambda, { FunctionName: outputs[key] })));
    }
    for (const group of source.consumerGroups)
      if (!mappings.some((m) => consumerGroup(m) === group))
        lines.push({
          component: 'event source mappings',
          ok: false,
          text: `none reads ${source.topic} in consumer group ${group}`,
        });
    for (const m of mappings) await mappingStatus(c, t, m, lag, lines, now);
  });
}

/** Every page of ListEventSourceMappings for `filter` (EventSourceArn or FunctionName). */
async function listMappings(
  lambda: SdkClient,
  filter: { EventSourceArn?: string; FunctionName?: string },
  // biome-ignore lint/suspicious/noExplicitAny: EventSourceMappingConfiguration as ListEventSourceMappings returns it
): Promise<any[]> {
  const all = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListEventSourceMappingsCommand({ ...filter, ...(marker && { Marker: marker }) }),
    );
    all.push(...(page.EventSourceMappings ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}

// biome-ignore lint/suspicious/noExplicitAny: EventSourceMappingConfiguration as ListEventSourceMappings returns it
function consumerGroup(m: any): string | undefined {
  return (
    m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ??
    m.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId
  );
}

/**
 * One mapping: its state (a finding unless Enabled) and last processing result (a finding when Lambda
 * reports a `PROBLEM: …`, as it does on Kafka for a cluster it cannot reach, authenticate to or be
 * authorized by, while the state stays Enabled), its consumer's lag against the limit, and its
 * on-failure destination's batches not replayed.
 */
async function mappingStatus(
  c: StatusClients,
  t: StatusTargets,
  // biome-ignore lint/suspicious/noExplicitAny: EventSourceMappingConfiguration as ListEventSourceMappings returns it
  m: any,
  lag: Lag,
  lines: StatusLine[],
  now: number,
) {
  const fn = String(m.FunctionArn).split(':').at(-1)!;
  const component = `consumer ${fn}`;
  const enabled = m.State === 'Enabled';
  const problem = String(m.LastProcessingResult ?? '').startsWith('PROBLEM');
  const group = consumerGroup(m);
  const reads = m.Topics ? ` (topic ${m.Topics.join(',')}${group ? `, group ${group}` : ''})` : '';
  lines.push({
    component,
    ok: enabled && !problem,
    text: `mapping ${m.UUID}${reads} ${m.State}${enabled ? '' : ` (${m.StateTransitionReason})`}, last result: ${m.LastProcessingResult}`,
  });
  const stats = await c.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda',
      MetricName: lag.metric,
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
  lines.push(
    newest
      ? {
          component,
          ok: newest.Maximum <= lag.limit,
          text: `${lag.label} ${Math.round(newest.Maximum)} ${lag.unit} (limit ${lag.limit} ${lag.unit})`,
        }
      : {
          component,
          ok: true,
          text: `${lag.label}: no datapoint in the last 10 minutes (no records read)`,
        },
  );

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
