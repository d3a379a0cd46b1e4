import { existsSync } from 'node:fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { type Command, Option } from 'commander';
import { kafkaProducerEnvironment } from '../../infra/constructs/handler-environment.js';
import { loadEnvironment, type TickflowEnvironment } from '../../infra/environments.js';
import type { KafkaSource } from '../../infra/kafka-source.js';
import { createKinesisClient, createS3Client } from '../../shared/adapters/aws-clients.js';
import { type ReplayReport, replayFailedBatches } from '../../shared/adapters/failed-batches/index.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import type { KafkaConnection } from '../../shared/adapters/kafka/connection.js';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher.js';
import { watermarkConnection } from '../../shared/adapters/kafka/watermark-connection.js';
import { KinesisPublisher, putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { type WatermarkTarget, watermarkTargetFromEnv } from '../../shared/adapters/watermark-target-env.js';
import { DEFAULT_ALLOWED_LATENESS_MS, resourceNames } from '../../shared/config.js';
import { EXIT_CODES } from '../exit-codes.js';
import { duration, UsageError } from '../options.js';
import { describeStack } from '../status/stack-status.js';
import { addKafkaFlags, checkKafkaFlags, type KafkaFlags, kafkaConnectionFromFlags } from './kafka-flags.js';

interface ReplayFlags extends KafkaFlags {
  env?: string;
  bucket?: string;
  dir?: string;
  stream?: string;
  region?: string;
  since?: string;
  until?: string;
  mapping?: string;
  dryRun?: boolean;
  lateness?: number;
  json?: boolean;
}

/** Adds `tickflow dlq replay` to the program. */
export function register(program: Command): void {
  const dlq = program
    .command('dlq')
    .description("the stream consumers' on-failure destination: batches given up on, kept whole in S3");
  const replayCommand = dlq
    .command('replay')
    .description(
      "put the failed batches back on the stream (Kinesis, or a Kafka topic: the environment's, or --kafka), oldest first per shard or partition, and move each one under replayed/ (docs/runbook.md, FailedBatches)",
    )
    .option(
      '--env <name>',
      "a deployed environment (infra/environments/<name>.json): its bucket (the stack's output FailedBatchesBucketName) and its stream, or on a Kafka source its topic and brokers, signed in as its idle flush does unless connection flags are given",
    )
    .option('--bucket <name>', 'the on-failure bucket (stack output FailedBatchesBucketName)')
    .option('--dir <dir>', "a folder laid out as the bucket: a local run's OUT/failed-batches")
    .addOption(
      new Option(
        '--stream <name>',
        'the Kinesis stream to put the records on (default: the environment’s)',
      ).conflicts(['kafka', 'topic']),
    )
    .option('--region <region>', 'AWS region (default: the environment’s, or the SDK’s)');
  addKafkaFlags(replayCommand)
    .option(
      '--since <time>',
      'only batches discarded at or after this time (ISO-8601, or a duration ago: 2h)',
    )
    .option('--until <time>', 'only batches discarded before this time (ISO-8601, or a duration ago)')
    .option('--mapping <uuid>', "only this event source mapping's batches")
    .option('--dry-run', 'read and report; put and move nothing')
    .option('--json', 'print the report as JSON')
    .option(
      '--lateness <duration>',
      `the allowed lateness, to warn about batches whose windows may have closed (default: the environment's, else ${DEFAULT_ALLOWED_LATENESS_MS / 60_000}m)`,
      duration,
    )
    .addHelpText(
      'after',
      `
Replaying twice sends nothing the second time: a replayed batch is moved under replayed/. A replay
interrupted between the put and the move sends that batch again; the aggregator drops its ticks as
duplicates by (symbol, id) within the dedup horizon. Ticks whose windows have closed since go to late/.

Exit codes:
  0  every batch in range was put back (or listed, with --dry-run)
  1  an object could not be read as a failed batch (left in place), or a put failed
  2  bad flags (nothing ran)`,
    )
    .action(async (flags: ReplayFlags) => {
      const report = await replay(flags);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReplay(report));
      if (report.invalid.length > 0) process.exitCode = EXIT_CODES.failure;
    });
}

/**
 * What `tickflow dlq replay` runs. With `--env`, the bucket is the stack's output
 * `FailedBatchesBucketName` whatever the source; on a Kafka source the records go back on the
 * environment's topic, through its brokers (both overridable with `--kafka`, `--topic`), signed in with
 * produce's connection flags when any is given, else as the deployed idle flush signs in (MSK IAM with
 * your credentials; the SASL/SCRAM or mTLS secret and root CA secret the mappings read).
 */
export async function replay(
  flags: ReplayFlags,
  environment: TickflowEnvironment | undefined = flags.env ? loadEnvironment(flags.env) : undefined,
): Promise<ReplayReport> {
  if (!flags.env && !flags.bucket && !flags.dir)
    throw new UsageError('say where the failed batches are: --env NAME, --bucket NAME or --dir DIR');
  if (flags.bucket && flags.dir) throw new UsageError('give one of --bucket and --dir');
  if (flags.dir && !existsSync(flags.dir))
    throw new UsageError(
      `--dir ${flags.dir} does not exist (a local run writes OUT/failed-batches only when a batch failed)`,
    );
  const now = Date.now();
  const since = flags.since === undefined ? undefined : timeFlag('--since', flags.since, now);
  const until = flags.until === undefined ? undefined : timeFlag('--until', flags.until, now);
  const region = flags.region ?? environment?.env?.region;
  const configured = environment?.config.source.kind === 'kafka' ? environment.config.source : undefined;
  if (configured && flags.stream)
    throw new UsageError(
      `--env ${environment!.name} reads the Kafka topic ${configured.topic}; --stream puts on Kinesis: drop it`,
    );
  // The stack's outputs name the bucket and, for a trial cluster, its ARN and brokers.
  const outputs =
    environment && ((!flags.bucket && !flags.dir) || configured?.trial)
      ? await stackOutputs(environment, region)
      : {};
  const source = configured && deployedKafkaSource(configured, outputs, environment!.stackName);
  const connectionFlags = flags.kafka !== undefined || CONNECTION_FLAGS.some((f) => flags[f] !== undefined);
  if (source)
    flags = {
      ...flags,
      kafka: flags.kafka ?? (source.msk ?? source.selfManaged!).bootstrapServers.join(','),
      topic: flags.topic ?? source.topic,
    };
  checkKafkaFlags(flags);
  const streamName =
    flags.stream ?? (environment ? resourceNames(environment.config.prefix).tickStream : undefined);
  if (!flags.kafka && !streamName && !flags.dryRun)
    throw new UsageError(
      'name the stream to put the records on: --stream NAME, --env NAME, or --kafka HOST:PORT --topic NAME',
    );
  let kafka: KafkaConnection | undefined;
  if (flags.kafka && (connectionFlags || !source))
    kafka = await kafkaConnectionFromFlags({ ...flags, kafka: flags.kafka }, (line) =>
      process.stderr.write(line),
    );
  else if (flags.kafka && !flags.dryRun)
    kafka = await environmentConnection(source!, region ?? process.env.AWS_REGION);
  const kinesis = createKinesisClient({ region });
  const s3 = createS3Client({ region });
  try {
    const bucket = flags.bucket ?? (flags.dir ? undefined : failedBatchesBucket(environment!, outputs));
    const store = flags.dir ? new FileObjectStore(flags.dir) : new S3ObjectStore(s3, bucket!);
    const put = flags.kafka
      ? putOnKafka(kafka!, flags.topic!)
      : (records: readonly { partitionKey: string; data: Uint8Array }[]) =>
          new KinesisPublisher({ streamName: streamName!, putRecords: putRecordsWith(kinesis) }).publish(
            records.map((r) => ({ partitionKey: r.partitionKey, payload: r.data })),
          );
    return await replayFailedBatches({
      store,
      put,
      target: flags.kafka ? 'kafka' : 'kinesis',
      since,
      until,
      mappingId: flags.mapping,
      dryRun: flags.dryRun,
      allowedLatenessMs:
        flags.lateness ?? environment?.config.allowedLatenessMs ?? DEFAULT_ALLOWED_LATENESS_MS,
      now,
      onBatch: (batch, n) =>
        process.stderr.write(
          `${flags.dryRun ? 'would put' : 'put'} ${n.records} records (${n.ticks} ticks) of ${batch.key} (${batch.condition}${batch.functionError ? `, ${batch.functionError}` : ''})\n`,
        ),
    });
  } finally {
    kinesis.destroy();
    s3.destroy();
  }
}

/** produce's flags that say how to sign in to the brokers. */
const CONNECTION_FLAGS = [
  'kafkaTls',
  'kafkaCa',
  'kafkaSasl',
  'kafkaUsername',
  'kafkaPassword',
  'kafkaSecret',
] as const satisfies readonly (keyof KafkaFlags)[];

/**
 * The connection the environment's deployed idle flush makes to its brokers (from the variables the
 * CDK app gives it, infra/constructs/handler-environment.ts): TLS, and MSK IAM signed for `region`, or
 * the secrets of a self-managed cluster, read from Secrets Manager.
 */
async function environmentConnection(
  source: KafkaSource,
  region: string | undefined,
): Promise<KafkaConnection> {
  if (!region) throw new UsageError('the environment file names no region: give --region (or AWS_REGION)');
  const target = watermarkTargetFromEnv(kafkaProducerEnvironment(source));
  return watermarkConnection(target as Extract<WatermarkTarget, { kind: 'kafka' }>, region);
}

/** The stack's outputs (DescribeStacks). */
async function stackOutputs(
  environment: TickflowEnvironment,
  region: string | undefined,
): Promise<Record<string, string>> {
  const cloudformation = new CloudFormationClient({ ...(region && { region }) });
  try {
    return (await describeStack(cloudformation, environment.stackName)).outputs;
  } finally {
    cloudformation.destroy();
  }
}

/** The stack's on-failure bucket, its output `FailedBatchesBucketName` (both sources write there). */
function failedBatchesBucket(environment: TickflowEnvironment, outputs: Record<string, string>): string {
  const bucket = outputs.FailedBatchesBucketName;
  if (!bucket)
    throw new UsageError(
      `the stack ${environment.stackName} has no output FailedBatchesBucketName: name the bucket with --bucket`,
    );
  return bucket;
}

/**
 * The Kafka source as deployed: a trial cluster (`source.trial`) gets the ARN and IAM brokers the stack
 * created it with (outputs `KafkaClusterArn`, `KafkaBootstrapServers`), as the stack resolves it
 * (infra/constructs/msk-trial.ts); any other source is as configured.
 */
function deployedKafkaSource(
  source: KafkaSource,
  outputs: Record<string, string>,
  stackName: string,
): KafkaSource {
  if (!source.trial) return source;
  const clusterArn = outputs.KafkaClusterArn;
  const brokers = outputs.KafkaBootstrapServers;
  if (!clusterArn || !brokers)
    throw new UsageError(
      `the stack ${stackName} has no output KafkaClusterArn or KafkaBootstrapServers for its trial cluster: deploy it again, or give --kafka HOST:PORT`,
    );
  return { ...source, msk: { clusterArn, bootstrapServers: brokers.split(',') } };
}

/**
 * Puts failed records on a Kafka topic, each with its key (the tick's symbol), so the default
 * partitioner sends it to its key's partition, after the records of that key already there; each
 * record's bytes as they were (a JSON array stays one record).
 */
export function putOnKafka(
  connection: KafkaConnection,
  topic: string,
): (records: readonly { partitionKey: string; data: Uint8Array }[]) => Promise<unknown> {
  return (records) =>
    new KafkaPublisher({ ...connection, topic, lingerMs: 0 }).publish(
      records.map((r) => ({ partitionKey: r.partitionKey, payload: r.data })),
    );
}

/** An ISO-8601 time, or a duration before `now` (`2h`). */
function timeFlag(flag: string, value: string, now: number): number {
  const at = Date.parse(value);
  if (Number.isFinite(at) && /\d{4}-\d{2}-\d{2}/.test(value)) return at;
  try {
    return now - duration(value);
  } catch {
    throw new UsageError(`${flag} takes an ISO-8601 time or a duration ago like 2h, got "${value}"`);
  }
}

/** The report: totals, then what needs a look. */
export function formatReplay(r: ReplayReport): string {
  const verb = r.dryRun ? 'would put back' : 'put back';
  const lines = [
    `${verb} ${r.batches} failed batches: ${r.records} records, ${r.ticks} ticks` +
      (r.duplicateRecords > 0 ? ` (${r.duplicateRecords} records held by two batches sent once)` : '') +
      (r.alreadyPut > 0 ? `; ${r.alreadyPut} batches put by an interrupted replay moved to replayed/` : ''),
  ];
  if (r.stale.length > 0) {
    const newest = Math.max(...r.stale.map((s) => s.newestTickMs));
    lines.push(
      `warning: ${r.stale.length} batches hold only ticks older than the allowed lateness (newest ${new Date(newest).toISOString()}):`,
      '  where their symbols kept trading, their windows are closed and these ticks go to late/, not into bars',
    );
  }
  for (const i of r.invalid) lines.push(`not a failed batch, left in place: ${i.key}: ${i.reason}`);
  return `${lines.join('\n')}\n`;
}
