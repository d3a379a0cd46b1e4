import { createRequire } from 'node:module';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BACKFILL_STATES, Backfill } from '../../infra/constructs/backfill.js';
import { Lake } from '../../infra/constructs/lake.js';
import { TRANSIENT_ERRORS } from '../../infra/constructs/preprocess.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { renderBackfillDefinition } from '../../local/backfill/runner.js';
import { templateApp } from './support.js';

const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

function build(props: Partial<ConstructorParameters<typeof Backfill>[2]> = {}, app = templateApp()) {
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const lake = new Lake(stack, 'Lake');
  const backfill = new Backfill(stack, 'Backfill', { lake, ...props });
  return { stack, backfill, template: Template.fromStack(stack) };
}

type Statement = { Action: string | string[]; Resource: unknown };
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The statements of the policies attached to roles whose logical id starts with the prefix. */
function statementsOf(template: Template, rolePrefix: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('Backfill state machine definition', () => {
  const definition = renderBackfillDefinition();

  it('passes asl-validator', () => {
    const result = validateAsl(structuredClone(definition));
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('prepares, then maps over the symbols with MaxConcurrency 8, handing each the resolved settings', () => {
    expect(definition.StartAt).toBe(BACKFILL_STATES.prepare);
    expect(definition.States[BACKFILL_STATES.prepare]).toMatchObject({
      Type: 'Task',
      Next: BACKFILL_STATES.map,
    });
    expect(definition.States[BACKFILL_STATES.map]).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.symbols',
      MaxConcurrency: 8,
      ResultPath: '$.results',
      End: true,
      ItemSelector: {
        'symbol.$': '$$.Map.Item.Value',
        'from.$': '$.from',
        'to.$': '$.to',
        'intervals.$': '$.intervals',
        'allowedLatenessMs.$': '$.allowedLatenessMs',
        'dedupHorizonMs.$': '$.dedupHorizonMs',
      },
    });
    expect(renderBackfillDefinition({ maxConcurrency: 2 }).States[BACKFILL_STATES.map]).toMatchObject({
      MaxConcurrency: 2,
    });
  });

  it('retries the symbol task on transient errors with jittered backoff, then on anything twice, with no catch', () => {
    const map = definition.States[BACKFILL_STATES.map] as unknown as {
      ItemProcessor: { States: Record<string, Record<string, unknown>> };
    };
    const task = map.ItemProcessor.States[BACKFILL_STATES.symbol]!;
    expect(task.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: [...TRANSIENT_ERRORS], JitterStrategy: 'FULL' }),
      expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }),
    ]);
    expect(task.Catch).toBeUndefined();
  });
});

describe('Backfill construct', () => {
  it('deploys a Standard state machine with logs, tracing and a timeout, invoking its two functions', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Description: Match.stringLikeRegexp('^tickflow backfill: ') },
      2,
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'tickflow backfill: symbol task',
      MemorySize: 2048,
      Timeout: 900,
    });
  });

  it('the symbol task reads only ticks/ and writes and deletes only under bars/ and late/; prepare only lists', () => {
    const { template } = build();
    const symbol = statementsOf(template, 'BackfillSymbol');
    const resourcesOf = (action: string) =>
      JSON.stringify(symbol.filter((s) => actions(s).includes(action)).map((s) => s.Resource));
    expect(resourcesOf('s3:GetObject')).toMatch(/ticks\/\*/);
    expect(resourcesOf('s3:GetObject')).not.toMatch(/bars|late/);
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(resourcesOf(action)).toMatch(/bars\/\*/);
      expect(resourcesOf(action)).toMatch(/late\/\*/);
      expect(resourcesOf(action)).not.toMatch(/ticks|features|staging/);
    }
    const prepare = statementsOf(template, 'BackfillPrepare').flatMap(actions);
    expect(prepare.filter((a) => a.startsWith('s3:'))).toEqual(['s3:ListBucket']);
  });

  it('refuses a Map concurrency Step Functions cannot run inline', () => {
    expect(() => build({ maxConcurrency: 41 })).toThrow(InvalidPropsError);
    expect(() => build({ maxConcurrency: 41 })).toThrow(/maxConcurrency/);
  });

  it('is clean under cdk-nag AwsSolutions, every exception acknowledged', () => {
    const app = templateApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const { stack } = build({}, app);
    const messages = app.synth().getStackArtifact(stack.artifactId).messages;
    expect(messages.filter((m) => m.level === 'error').map((m) => m.entry.data)).toEqual([]);
  });
});
