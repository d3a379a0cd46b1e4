/**
 * cfn-lint (AWS's CloudFormation linter: resource specs per region, property rules) on the synthesized
 * template of every region the project supports (README, "Deploy"), every optional resource on, with
 * no error, with the Kinesis source and with each Kafka source. cfn-lint is a Python tool (`pip install cfn-lint`); this test fails when it is missing,
 * unless TICKFLOW_SKIP_CFN_LINT=1 says to skip it on a machine without Python.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';
import type { SourceSetting } from '../../infra/kafka-source.js';
import { hasKeyspaces } from '../../infra/regions.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { handlerCodeForTests, templateApp, testOutdir } from './support.js';

/**
 * The regions the README claims, linted together on one region-agnostic template (one cfn-lint run:
 * a run per region took 2.5 minutes on this 2-core machine); eu-central-2 stands for the regions
 * without Keyspaces, linted on its own template with the serving store off.
 */
export const SUPPORTED_REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-northeast-1',
  'ap-southeast-2',
];
const WITHOUT_KEYSPACES = 'eu-central-2';

const run = promisify(execFile);

interface LintMatch {
  readonly Level: string;
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

/**
 * The Kafka sources, each on its own region-agnostic template: MSK with IAM, a self-managed cluster
 * with SASL/SCRAM in a VPC, the MSK Serverless trial cluster the stack creates with its VPC (the
 * example files under docs/examples/environments) and a self-managed cluster with mTLS.
 */
const KAFKA_SOURCES: Record<string, SourceSetting> = {
  msk: exampleSource('msk'),
  sasl: exampleSource('kafka-sasl'),
  trial: exampleSource('msk-trial'),
  mtls: {
    kind: 'kafka',
    topic: 'ticks',
    selfManaged: {
      bootstrapServers: ['kafka-1.example.com:9094'],
      authentication: 'MTLS',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tickflow-client-AbCdEf',
      rootCaSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tickflow-ca-AbCdEf',
    },
  },
};

function exampleSource(name: string): SourceSetting {
  const file = join(PROJECT_ROOT, 'docs', 'examples', 'environments', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')).settings.source;
}

function templateFor(region: string | undefined, kafka?: string): string {
  const app = templateApp();
  const stack = new TickflowStack(app, 'Tickflow', {
    env: region ? { account: '123456789012', region } : undefined,
    config: resolveConfig({
      serving: { enabled: region === undefined || hasKeyspaces(region) },
      alarms: { noTicksMinutes: 30 },
      alerts: {
        emails: ['oncall@example.com'],
        httpsEndpoints: ['https://pager.example.com/x'],
        queue: true,
      },
      nightlySchedule: 'cron(30 2 * * ? *)',
      ...(kafka && { source: KAFKA_SOURCES[kafka] }),
    }),
    handlerCode: handlerCodeForTests(),
  });
  const file = join(testOutdir(), `template-${region ?? 'any'}${kafka ? `-${kafka}` : ''}.json`);
  writeFileSync(file, JSON.stringify(app.synth().getStackArtifact(stack.artifactId).template));
  return file;
}

describe.skipIf(process.env.TICKFLOW_SKIP_CFN_LINT === '1')('cfn-lint on the synthesized template', () => {
  it('finds no error in any supported region', async () => {
    // The first run also lints the Keyspaces template for a region without it: cfn-lint must report
    // exactly that (so the linter ran and its report was read), which is why synth refuses it.
    // The Kafka templates (one per source kind) are linted together, on the supported regions.
    const runs: [string[], string[]][] = [
      [[templateFor(undefined)], [...SUPPORTED_REGIONS, WITHOUT_KEYSPACES]],
      [[templateFor(WITHOUT_KEYSPACES)], [WITHOUT_KEYSPACES]],
      [Object.keys(KAFKA_SOURCES).map((kafka) => templateFor(undefined, kafka)), SUPPORTED_REGIONS],
    ];
    const results = await Promise.all(
      runs.map(async ([files, regions]) => {
        const region = regions.join(',');
        const lint = await run('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', ...files], {
          maxBuffer: 64 * 1024 * 1024,
        }).catch((err: NodeJS.ErrnoException & { stdout?: string }) => {
          if (err.code === 'ENOENT') {
            throw new Error(
              'cfn-lint is not on the PATH: pip install cfn-lint (or TICKFLOW_SKIP_CFN_LINT=1)',
            );
          }
          // cfn-lint exits non-zero whenever it reports anything; the JSON is still on stdout.
          return { stdout: err.stdout ?? '' };
        });
        const matches = JSON.parse(lint.stdout || '[]') as LintMatch[];
        return matches
          .filter((m) => m.Level === 'Error')
          .map((m) => `${region} ${m.Rule.Id} ${m.Location.Path?.join('/')}: ${m.Message}`);
      }),
    );
    const [agnostic, withoutKeyspaces, kafka] = results;
    expect(withoutKeyspaces).toEqual([]);
    expect(kafka).toEqual([]);
    const keyspacesMissing = (e: string) =>
      /E3006 .*AWS::Cassandra::\w+' does not exist in 'eu-central-2'/.test(e);
    expect(agnostic!.filter((e) => !keyspacesMissing(e))).toEqual([]);
    expect(agnostic!.filter(keyspacesMissing).length).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
