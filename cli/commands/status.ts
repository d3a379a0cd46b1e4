import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KeyspacesClient } from '@aws-sdk/client-keyspaces';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { loadEnvironment } from '../../infra/environments.js';
import {
  createDocumentClient,
  createKinesisClient,
  createS3Client,
} from '../../shared/adapters/aws-clients.js';
import { BARS_TABLE } from '../../shared/adapters/serving/config.js';
import { resourceNames } from '../../shared/config.js';
import { EXIT_CODES } from '../exit-codes.js';
import { positiveInt } from '../options.js';
import { formatStatus, stackStatus } from '../status/stack-status.js';

/** Adds `tickflow status` to the program. */
export function register(program: Command): void {
  program
    .command('status')
    .description(
      "a deployed environment's health: the stack (status; its outputs name the resources), stream, event source mappings (state, iterator age, failed batches not replayed), alarms in ALARM, last materialization and compaction, last preprocess execution, the serving table (docs/runbook.md)",
    )
    .option('--env <name>', 'environment file infra/environments/<name>.json', 'dev')
    .option(
      '--stale-after <seconds>',
      'a last materialization older than this is a finding (default: two materializer periods, `materializerMinutes`)',
      positiveInt,
    )
    .option(
      '--compaction-stale-after <seconds>',
      "a compactor's last run that ended longer ago than this is a finding (it runs every 5 minutes)",
      positiveInt,
      900,
    )
    .option(
      '--state-machine <arn>',
      "the preprocess state machine whose last execution is reported (default: the stack's output PreprocessStateMachineArn)",
    )
    .addHelpText(
      'after',
      '\nExit codes:\n  0  healthy\n  1  at least one finding (each printed as UNHEALTHY with what is wrong)',
    )
    .action(
      async (flags: {
        env: string;
        staleAfter?: number;
        compactionStaleAfter: number;
        stateMachine?: string;
      }) => {
        const environment = loadEnvironment(flags.env);
        const { config } = environment;
        const region = environment.env?.region;
        const names = resourceNames(config.prefix);
        const serving = config.serving.enabled;
        const lines = await stackStatus(
          {
            cloudformation: new CloudFormationClient({ region }),
            kinesis: createKinesisClient({ region }),
            doc: createDocumentClient({ region }),
            lambda: new LambdaClient({ region }),
            cloudwatch: new CloudWatchClient({ region }),
            sqs: new SQSClient({ region }),
            s3: createS3Client({ region }),
            sfn: new SFNClient({ region }),
            keyspaces: serving ? new KeyspacesClient({ region }) : undefined,
          },
          {
            stackName: environment.stackName,
            streamName: names.tickStream,
            outputTable: names.outputTable,
            keyspace: serving ? config.serving.keyspaceName : undefined,
            servingTable: serving ? BARS_TABLE : undefined,
            iteratorAgeMs: config.alarms.iteratorAgeMs,
            materializationStaleMs: (flags.staleAfter ?? 2 * config.materializerMinutes * 60) * 1000,
            compactionStaleMs: flags.compactionStaleAfter * 1000,
            stateMachineArn: flags.stateMachine,
            environment: environment.name,
          },
        );
        process.stdout.write(`tickflow status — ${environment.stackName}\n${formatStatus(lines)}`);
        if (lines.some((l) => !l.ok)) process.exitCode = EXIT_CODES.failure;
      },
    );
}
