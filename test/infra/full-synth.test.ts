/**
 * The one full synth: built-in CloudFormation validation and cdk-nag AwsSolutions both on, exactly as
 * `cdk synth` runs them (same `createTickflowApp`). Handlers whose entry file exists are bundled with
 * esbuild; the others use placeholder code until they are written (see support.ts).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SERVING_DRIVER_MODULES } from '../../infra/constructs/pipeline-function.js';
import { createTickflowApp } from '../../infra/tickflow-app.js';
import { SERVING_ENV } from '../../shared/adapters/serving/env.js';
import { HANDLER_ENV } from '../../shared/config.js';
import { HANDLER_ENTRIES, handlerCodeForTests, handlerExists, testOutdir } from './support.js';

interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs?: readonly { readonly constructPath: string }[];
}
interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly Violation[];
  readonly suppressedViolations?: readonly (Violation & { readonly reason?: string })[];
}

describe('full synth with validation and cdk-nag', () => {
  let outdir: string;
  let reports: PluginReport[];
  let template: {
    Resources: Record<string, { Type: string; Properties: { Code?: Record<string, unknown> } }>;
  };

  beforeAll(() => {
    // Inside the project (git-ignored .tickflow/): a bundle loaded from there resolves `@aws-sdk/*`, which
    // the bundles leave to the Lambda runtime, from the project's node_modules, as Lambda does from its own.
    mkdirSync(SYNTH_ROOT, { recursive: true });
    outdir = mkdtempSync(join(SYNTH_ROOT, 'synth-'));
    const { app, stack } = createTickflowApp({
      outdir,
      env: { account: '123456789012', region: 'eu-west-1' },
      handlerCode: handlerCodeForTests(),
    });
    // Throws (in-memory apps) when any plugin reports an unacknowledged error.
    const assembly = app.synth();
    template = assembly.getStackByName(stack.stackName).template;
    reports = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports;
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('leaves no unacknowledged error from CloudFormation validation or the AwsSolutions pack', () => {
    const errors = reports.flatMap((r) =>
      r.violations.filter((v) => v.severity === 'error' || v.severity === 'fatal'),
    );
    expect(errors).toEqual([]);
  });

  it('leaves no unacknowledged warning either', () => {
    const warnings = reports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`));
    expect(warnings).toEqual([]);
  });

  it('bundles every existing handler as ESM, with parquet-wasm beside those that write Parquet (placeholders only for missing ones)', () => {
    for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
      const code = codeOf(name);
      if (!handlerExists(entry)) {
        expect({ name, inline: typeof code?.ZipFile }).toEqual({ name, inline: 'string' });
        continue;
      }
      const files = readdirSync(assetDirOf(name));
      const driver = SERVING_FUNCTIONS.includes(name) ? ['node_modules'] : [];
      // The aggregator only writes DynamoDB (and the serving store): it encodes no Parquet.
      const wasm = name === 'aggregator' ? [] : ['parquet_wasm_bg.wasm'];
      expect({ name, files: files.filter((f) => !f.endsWith('.map')).sort() }).toEqual({
        name,
        files: ['index.mjs', ...driver, ...wasm],
      });
    }
  });

  it('ships one copy of the Cassandra driver beside the serving functions, which the SigV4 plugin extends', () => {
    for (const name of SERVING_FUNCTIONS) {
      const modules = join(assetDirOf(name), 'node_modules');
      expect(readdirSync(modules).sort()).toEqual([...SERVING_DRIVER_MODULES].sort());
      // Resolved from the asset, as Lambda will: the handler's createRequire and the plugin's require()
      // must both land on node_modules/cassandra-driver, or the driver rejects the auth provider.
      const requireFromAsset = createRequire(join(assetDirOf(name), 'index.mjs'));
      const cassandra = requireFromAsset('cassandra-driver');
      const { SigV4AuthProvider } = requireFromAsset('aws-sigv4-auth-cassandra-plugin');
      expect(requireFromAsset.resolve('cassandra-driver')).toBe(
        join(modules, 'cassandra-driver', 'index.js'),
      );
      expect(new SigV4AuthProvider({ region: 'eu-west-1' })).toBeInstanceOf(cassandra.auth.AuthProvider);
    }
  });

  it('the bundled aggregator initialises on Node and connects its serving store during init', async () => {
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ...lambdaEnvironmentOf('aggregator'),
    };
    const off = await importInChild(assetDirOf('aggregator'), { ...env, [SERVING_ENV.kind]: 'off' });
    expect({ code: off.code, stdout: off.stdout }).toEqual({ code: 0, stdout: 'function' });
    expect(off.stderr).not.toMatch(/Error/);
    // A Cassandra nobody listens on: init must fail loudly, not run the pipeline without its serving store.
    const port = await closedPort();
    const refused = await importInChild(assetDirOf('aggregator'), {
      ...env,
      [SERVING_ENV.kind]: 'cassandra',
      [SERVING_ENV.contactPoints]: `127.0.0.1:${port}`,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/NoHostAvailableError|All host\(s\) tried for query failed/);
  }, 30_000);

  it('the bundled materializer initialises with its watermark target on the stream or on a Kafka topic, and fails init on an unreadable secret', async () => {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ...lambdaEnvironmentOf('materializer'),
    };
    const kinesis = await importInChild(assetDirOf('materializer'), env);
    expect({ code: kinesis.code, stdout: kinesis.stdout, stderr: kinesis.stderr }).toMatchObject({
      code: 0,
      stdout: 'function',
    });
    // What the stack sets with a Kafka source (test/infra/kafka-source.test.ts): MSK IAM reads no secret.
    const { [HANDLER_ENV.tickStream]: _, ...withoutStream } = env;
    const kafka = {
      ...withoutStream,
      [HANDLER_ENV.kafkaTopic]: 'ticks',
      [HANDLER_ENV.kafkaBootstrap]: 'b-1.ticks.example:9098',
      [HANDLER_ENV.kafkaAuth]: 'aws-msk-iam',
    };
    const msk = await importInChild(assetDirOf('materializer'), kafka);
    expect({ code: msk.code, stdout: msk.stdout, stderr: msk.stderr }).toMatchObject({
      code: 0,
      stdout: 'function',
    });
    // SASL/SCRAM: the secret is read during init; a Secrets Manager nobody answers fails the cold start.
    const port = await closedPort();
    const scram = await importInChild(assetDirOf('materializer'), {
      ...kafka,
      [HANDLER_ENV.kafkaAuth]: 'scram-sha-512',
      [HANDLER_ENV.kafkaSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(scram.code).not.toBe(0);
    expect(scram.stderr).toMatch(/Kafka credentials secret .*k-AbCdEf: GetSecretValue failed/);
  }, 60_000);

  function codeOf(name: string): Record<string, unknown> | undefined {
    const prefix = name.charAt(0).toUpperCase() + name.slice(1);
    return Object.entries(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
    )?.[1].Properties.Code;
  }

  function assetDirOf(name: string): string {
    return join(outdir, `asset.${String(codeOf(name)?.S3Key).replace(/\.zip$/, '')}`);
  }

  /** The environment the stack gives a function, with references to other resources made concrete. */
  function lambdaEnvironmentOf(name: string): Record<string, string> {
    const prefix = name.charAt(0).toUpperCase() + name.slice(1);
    const fn = Object.entries(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
    )?.[1].Properties as { Environment: { Variables: Record<string, unknown> } };
    return Object.fromEntries(
      Object.entries(fn.Environment.Variables).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : `resolved-${k}`,
      ]),
    );
  }
});

const SYNTH_ROOT = join(PROJECT_ROOT, '.tickflow', 'tmp');

/** The function that upserts bars: the aggregator (the idle flush only puts watermark marks on the stream). */
const SERVING_FUNCTIONS: readonly string[] = ['aggregator'];

/** Imports `<dir>/index.mjs` in a fresh Node with only `env`, printing `typeof handler`. */
function importInChild(
  dir: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}).then((m) => process.stdout.write(typeof m.handler))`;
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { env, cwd: dir, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolvePromise({ code: error ? ((error.code as number | null) ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A 127.0.0.1 port that was free a moment ago and has no listener now. */
function closedPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePromise(port));
    });
  });
}

describe('the AwsSolutions pack is active', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const { app } = createTickflowApp({
      outdir: testOutdir(),
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [] },
      env: { account: '123456789012', region: 'eu-west-1' },
      handlerCode: handlerCodeForTests(),
    });
    // A bucket with no TLS policy, no logs and no acknowledgement, next to the real stack.
    new s3.Bucket(new Stack(app, 'Unacknowledged'), 'Bare');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
