import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Lake } from '../../infra/constructs/lake.js';
import { PREPROCESS_STATES, Preprocess, TRANSIENT_ERRORS } from '../../infra/constructs/preprocess.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { renderPreprocessDefinition } from '../../local/preprocess/definition.js';
import { templateApp } from './support.js';

const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

function build(props: Partial<ConstructorParameters<typeof Preprocess>[2]> = {}, app = templateApp()) {
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const lake = new Lake(stack, 'Lake');
  const preprocess = new Preprocess(stack, 'Preprocess', { lake, ...props });
  return { stack, lake, preprocess, template: Template.fromStack(stack) };
}

/** Every IAM statement attached to a function's role, flattened. */
function statementsOf(
  template: Template,
  roleLogicalIdPrefix: string,
): { Action: string | string[]; Resource: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(roleLogicalIdPrefix)),
    )
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

type AslRetrier = {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
};

const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('Preprocess state machine definition', () => {
  const definition = renderPreprocessDefinition();

  it('passes asl-validator', () => {
    const result = validateAsl(structuredClone(definition));
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('maps over the prepared symbols with MaxConcurrency 8 and collects results beside the run', () => {
    const map = definition.States[PREPROCESS_STATES.map] as unknown as Record<string, unknown>;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.symbols',
      MaxConcurrency: 8,
      ResultPath: '$.results',
    });
    expect(renderPreprocessDefinition({ maxConcurrency: 3 }).States[PREPROCESS_STATES.map]).toMatchObject({
      MaxConcurrency: 3,
    });
  });

  it('retries transient errors with backoff, retries anything once more, then catches into a failure record', () => {
    const map = definition.States[PREPROCESS_STATES.map] as unknown as {
      ItemProcessor: { States: Record<string, Record<string, unknown>> };
    };
    const task = map.ItemProcessor.States[PREPROCESS_STATES.features]!;
    expect(task.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: [...TRANSIENT_ERRORS],
        BackoffRate: 2,
        MaxAttempts: 3,
        JitterStrategy: 'FULL',
      }),
      expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }),
    ]);
    expect(task.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: PREPROCESS_STATES.recordFailure },
    ]);
    expect(task.TimeoutSeconds).toBe(900);
    expect(map.ItemProcessor.States[PREPROCESS_STATES.recordFailure]).toMatchObject({
      Type: 'Pass',
      Parameters: { 'symbol.$': '$.symbol', ok: false, 'error.$': '$.failure.Error' },
    });
  });

  it('cannot retry a task past the execution timeout: prepare, one features task and finalize at their worst fit in it', () => {
    const template = build().template;
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const executionTimeout = Number(/"TimeoutSeconds":(\d+)\}?$/.exec(String(parts.at(-1)))?.[1]);
    expect(executionTimeout).toBe(7200);
    // Worst case of a Task from its ASL: every try times out, every retry waits its longest.
    const worst = (task: { TimeoutSeconds: number; Retry?: AslRetrier[] }) =>
      (task.Retry ?? []).reduce(
        (total, r) =>
          total +
          Array.from(
            { length: r.MaxAttempts },
            (_, i) =>
              task.TimeoutSeconds +
              Math.min(r.IntervalSeconds * r.BackoffRate ** i, r.MaxDelaySeconds ?? Infinity),
          ).reduce((a, b) => a + b, 0),
        task.TimeoutSeconds,
      );
    const states = definition.States as unknown as Record<
      string,
      { TimeoutSeconds: number; Retry?: AslRetrier[] }
    >;
    const features = (
      definition.States[PREPROCESS_STATES.map] as unknown as {
        ItemProcessor: { States: Record<string, { TimeoutSeconds: number; Retry?: AslRetrier[] }> };
      }
    ).ItemProcessor.States[PREPROCESS_STATES.features]!;
    const oneWave =
      worst(states[PREPROCESS_STATES.prepare]!) +
      worst(features) +
      worst(states[PREPROCESS_STATES.finalize]!);
    expect(oneWave).toBeLessThanOrEqual(executionTimeout);
    // A task timeout is not retried as if it were transient: the same work would time out again.
    expect(features.Retry![0]!.ErrorEquals).not.toContain('States.Timeout');
  });

  it('refuses an execution timeout shorter than one wave of tasks at their worst, naming the prop', () => {
    expect(() => build({ timeout: Duration.hours(1) })).toThrow(
      /Preprocess: invalid timeout = 3600; use at least 6943 s/,
    );
  });

  it('rejects a MaxConcurrency outside 1–40', () => {
    expect(() => renderPreprocessDefinition({ maxConcurrency: 0 })).toThrow(InvalidPropsError);
    expect(() => build({ maxConcurrency: 41 })).toThrow(/maxConcurrency/);
  });
});

describe('Preprocess construct', () => {
  it('is a Standard state machine with a timeout, ALL logging with execution data, and X-Ray', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      DefinitionString: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"TimeoutSeconds":7200')])],
      },
    });
  });

  it('has a nightly rule that is disabled unless asked for', () => {
    build().template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      State: 'DISABLED',
    });
    build({ scheduleEnabled: true }).template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
    });
  });

  it('gives each task only its lake access: prepare reads bars/, features writes features/split=…, finalize the manifest', () => {
    const { template } = build();
    const prepare = statementsOf(template, 'PreprocessPrepareRole');
    const features = statementsOf(template, 'PreprocessFeaturesRole');
    const finalize = statementsOf(template, 'PreprocessFinalizeRole');
    const s3Actions = (ss: typeof prepare) => new Set(ss.flatMap(actions).filter((a) => a.startsWith('s3:')));
    expect(s3Actions(prepare)).toEqual(new Set(['s3:ListBucket', 's3:GetObject']));
    expect(s3Actions(features)).toEqual(
      new Set([
        's3:ListBucket',
        's3:GetObject',
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:DeleteObject',
      ]),
    );
    expect(s3Actions(finalize)).toEqual(
      new Set(['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject']),
    );
    const resourcesFor = (ss: typeof prepare, action: string) =>
      JSON.stringify(ss.filter((s) => actions(s).includes(action)).map((s) => s.Resource));
    expect(resourcesFor(prepare, 's3:GetObject')).toMatch(/\/bars\/\*/);
    expect(resourcesFor(prepare, 's3:GetObject')).not.toMatch(/features/);
    expect(resourcesFor(features, 's3:PutObject')).toMatch(/\/features\/\*/);
    expect(resourcesFor(features, 's3:DeleteObject')).toMatch(/\/features\/split=\*/);
    expect(resourcesFor(finalize, 's3:PutObject')).toMatch(/\/features\/_manifest\.json"/);
    expect(resourcesFor(finalize, 's3:PutObject')).not.toMatch(/\*/);
    for (const s of [...prepare, ...features, ...finalize]) {
      expect(actions(s).some((a) => a === 's3:*' || a === '*')).toBe(false);
    }
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^PreprocessPrepareRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': ['bars/*'] } },
          }),
        ]),
      },
    });
  });

  it('lets the state machine invoke exactly its three functions', () => {
    const { template } = build();
    const machinePolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith('PreprocessStateMachineRole')),
    );
    const invoke = machinePolicies
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string | string[] }) => actions(s).includes('lambda:InvokeFunction'));
    const targets = JSON.stringify(invoke.map((s: { Resource: unknown }) => s.Resource));
    for (const fn of [
      'PreprocessPrepareFunction',
      'PreprocessFeaturesFunction',
      'PreprocessFinalizeFunction',
    ]) {
      expect(targets).toContain(fn);
    }
    expect(targets).not.toMatch(/"\*"/);
  });

  it('rejects a timeout over one day and too little memory for the features task', () => {
    expect(() => build({ timeout: Duration.days(2) })).toThrow(/timeout/);
    expect(() => build({ featuresMemoryMb: 256 })).toThrow(/featuresMemoryMb/);
  });

  it('leaves no cdk-nag AwsSolutions finding on its resources', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'tickflow-preprocess-nag-'));
    try {
      const app = new App({
        outdir,
        builtinCloudFormationValidation: false,
        context: { 'aws:cdk:bundling-stacks': [] },
      });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
      new Preprocess(stack, 'Preprocess', { lake: new Lake(stack, 'Lake') });
      // A bucket without access logs or TLS enforcement: proves the pack ran on this stack.
      new s3.Bucket(stack, 'Canary');
      try {
        app.synth();
      } catch {
        // the app throws on the canary's errors; the report says which constructs they are on
      }
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: {
          violations: { ruleName: string; violatingConstructs?: { constructPath: string }[] }[];
        }[];
      };
      const findings = report.pluginReports
        .flatMap((r) => r.violations)
        .flatMap((v) => (v.violatingConstructs ?? []).map((c) => `${v.ruleName} ${c.constructPath}`));
      expect(findings.some((line) => line.includes('/Canary/'))).toBe(true);
      expect(findings.filter((line) => line.includes('/Preprocess/'))).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
