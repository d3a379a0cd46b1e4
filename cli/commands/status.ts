import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { KeyspacesClient } from '@aws-sdk/client-keyspaces';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import type { TickflowConfig } from '../../infra/config.js';
import { loadEnvironment, type TickflowEnvironment } from '../../infra/environments.js';
import { consumerGroupId, KAFKA_CONSUMERS } from '../../infra/kafka-source.js';
import {
  createDocumentClient,
  createKinesisClient,
  createS3Client,
} from '../../shared/adapters/aws-clients.js';
import { BARS_TABLE } from '../../shared/adapters/serving/config.js';
import { resourceNames } from '../../shared/config.js';
import { EXIT_CODES } from '../exit-codes.js';
import { positiveInt } from '../options.js';
import { formatStatus, type StatusClients, type StatusSource, stackStatus } from '../status/stack-status.js';

/** Adds `tickflow status` to the program. */
export function register(program: Command): void {
  program
    .command('status')
    .description(
      "A deployed environment's health: the stack (status; its outputs name the resources), the source (Kinesis stream; or Kafka topic and cluster: MSK's state, a self-managed cluster's brokers), event source mappings (state, last processing result, iterator age or offset lag, failed batches not replayed), alarms in ALARM, last materialization and compaction, last preprocess execution, the serving table (docs/runbook.md)",
    )
    .option('--env <name>', 'environment file infra/environments/<name>.json', 'dev')
    .option(
      '--stale-after <seconds>',
      'a last materialization older than this is a finding (default: two materializer periods, `materializerMinutes`)',
      positiveInt,
    )
    .option(
      '--compaction-stale-after <seconds>',
      "a compactor's last run that ended longer ago than this is a finding (default: two compactor periods, `compactorMinutes`)",
      positiveInt,
    )
    .option(
      '--state-machine <arn>',
      "the preprocess state machine whose last execution is reported (default: the stack's output PreprocessStateMachineArn)",
    )
    .addHelpText(
      'after',
      '\nExit codes:\n  0  healthy\n  1  at least one finding (each printed as UNHEALTHY with what is wrong)',
    )
    .action(async (flags: StatusFlags) => {
      const environment = loadEnvironment(flags.env);
      const region = environment.env?.region;
      const source = environment.config.source;
      process.exitCode = await runStatus(environment, flags, {
        cloudformation: new CloudFormationClient({ region }),
        kinesis: createKinesisClient({ region }),
        doc: createDocumentClient({ region }),
        lambda: new LambdaClient({ region }),
        cloudwatch: new CloudWatchClient({ region }),
        sqs: new SQSClient({ region }),
        s3: createS3Client({ region }),
        sfn: new SFNClient({ region }),
        keyspaces: environment.config.serving.enabled ? new KeyspacesClient({ region }) : undefined,
        kafka:
          source.kind === 'kafka' && (source.msk || source.trial) ? new KafkaClient({ region }) : undefined,
      });
    });
}

export interface StatusFlags {
  env: string;
  staleAfter?: number;
  compactionStaleAfter?: number;
  stateMachine?: string;
}

/** The report of `environment` on stdout (`write`); returns the exit code: 1 when anything is UNHEALTHY. */
export async function runStatus(
  environment: TickflowEnvironment,
  flags: StatusFlags,
  clients: StatusClients,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { config } = environment;
  const names = resourceNames(config.prefix);
  const serving = config.serving.enabled;
  const lines = await stackStatus(clients, {
    stackName: environment.stackName,
    source: statusSource(config),
    outputTable: names.outputTable,
    keyspace: serving ? config.serving.keyspaceName : undefined,
    servingTable: serving ? BARS_TABLE : undefined,
    materializationStaleMs: (flags.staleAfter ?? 2 * config.materializerMinutes * 60) * 1000,
    compactionStaleMs: (flags.compactionStaleAfter ?? 2 * config.compactorMinutes * 60) * 1000,
    stateMachineArn: flags.stateMachine,
    environment: environment.name,
  });
  write(`tickflow status — ${environment.stackName}\n${formatStatus(lines)}`);
  return lines.some((l) => !l.ok) ? EXIT_CODES.failure : EXIT_CODES.ok;
}

/** What status reads the ticks from, and the lag limit of the deployed alarms (infra/constructs/monitoring.ts). */
export function statusSource(config: TickflowConfig): StatusSource {
  const source = config.source;
  if (source.kind === 'kinesis')
    return {
      kind: 'kinesis',
      streamName: resourceNames(config.prefix).tickStream,
      iteratorAgeMs: config.alarms.iteratorAgeMs,
    };
  return {
    kind: 'kafka',
    topic: source.topic,
    ...(source.msk && { clusterArn: source.msk.clusterArn }),
    ...(source.trial && { trial: true }),
    bootstrapServers: (source.msk ?? source.selfManaged)?.bootstrapServers ?? [],
    consumerGroups: KAFKA_CONSUMERS.map((consumer) => consumerGroupId(config.prefix, consumer)),
    offsetLagRecords: config.alarms.offsetLagRecords,
  };
}
