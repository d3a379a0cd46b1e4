/**
 * The pieces composed into TickflowStack beside the streaming core: the bronze compactor, the
 * preprocess state machine and the Keyspaces serving store (with the aggregator's wiring to it).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, HANDLER_ENV, resolveConfig, type TickflowConfig } from '../../infra/config.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { SERVING_ENV } from '../../shared/adapters/serving/env.js';
import { COMPACTOR_METRICS, metricsNamespace } from '../../shared/metrics.js';
import { isAllowed, statementsOfPolicies } from './iam-eval.js';
import { handlerCodeForTests, templateApp } from './support.js';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
type Resource = { Properties: Record<string, unknown> };

function synth(config: TickflowConfig = DEFAULT_CONFIG): Template {
  const stack = new TickflowStack(templateApp(), 'Tickflow', {
    env: { account: '123456789012', region: 'eu-west-1' },
    config,
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

/** The Lambda function whose logical id starts with `prefix`. */
function functionOf(template: Template, prefix: string): Resource {
  const entry = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
    id.startsWith(prefix),
  );
  if (!entry) throw new Error(`no function ${prefix}`);
  return entry[1] as Resource;
}

function envOf(template: Template, prefix: string): Record<string, unknown> {
  return (functionOf(template, prefix).Properties.Environment as { Variables: Record<string, unknown> })
    .Variables;
}

const statementsOf = statementsOfPolicies;

const actions = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
/** `"/staging/ticks/*"` → `staging/ticks/*`; the bucket itself → `<bucket>`. */
const lakePaths = (s: Statement) =>
  (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(
    (r) =>
      JSON.stringify(r).match(/"\/([a-z_/]+\*)"/)?.[1] ??
      (JSON.stringify(r).includes('LakeBucket') ? '<bucket>' : 'other'),
  );

describe('TickflowStack: bronze compaction', () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  });

  it('runs the compactor every compactorMinutes, without reserved concurrency, and does not retry a failed run', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Compactor'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    const fn = functionOf(template, 'Compactor').Properties;
    // A new account's unreserved concurrency may be at its minimum: reserving any fails the deploy.
    expect(fn).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(fn.Timeout).toBeLessThan(300);
    expect(envOf(template, 'Compactor')).toMatchObject({
      [HANDLER_ENV.lakeBucket]: { Ref: expect.stringMatching(/^LakeBucket/) },
      [HANDLER_ENV.outputTable]: { Ref: expect.stringMatching(/OutputTable/) },
      [HANDLER_ENV.serviceName]: 'compactor',
      [HANDLER_ENV.metricsNamespace]: metricsNamespace(DEFAULT_CONFIG.prefix),
    });
  });

  it('takes another compactor period from compactorMinutes', () => {
    synth(resolveConfig({ compactorMinutes: 5 })).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Compactor'), 'Arn'] } })],
    });
  });

  it('lets the compactor take its run lease in the outputs table and touch no other item there', () => {
    const env = { account: '123456789012', region: 'eu-west-1' };
    const table = `arn:aws:dynamodb:eu-west-1:123456789012:table/${DEFAULT_CONFIG.prefix}-outputs`;
    const compactor = statementsOf(template, 'Compactor');
    for (const action of ['dynamodb:UpdateItem']) {
      expect(isAllowed(template, compactor, action, table, env, { 'dynamodb:LeadingKeys': ['lease'] })).toBe(
        true,
      );
      const bars = { 'dynamodb:LeadingKeys': ['bar|1m|EURUSD|2024-01-02'] };
      expect(isAllowed(template, compactor, action, table, env, bars)).toBe(false);
    }
    for (const action of [
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    ]) {
      expect(isAllowed(template, compactor, action, table, env, { 'dynamodb:LeadingKeys': ['lease'] })).toBe(
        false,
      );
    }
  });

  it('does not let Lambda retry a scheduled run (the next run repairs what a failed one left)', () => {
    for (const name of ['Compactor', 'Materializer']) {
      const [id] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((k) =>
        k.startsWith(name),
      );
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        MaximumRetryAttempts: 0,
      });
    }
  });

  it('lets the compactor list the lake, read and delete staged objects, read and write ticks/, nothing else', () => {
    const s3 = statementsOf(template, 'Compactor').filter((s) =>
      actions([s]).some((a) => a.startsWith('s3:')),
    );
    const grants = s3
      .flatMap((s) => actions([s]).flatMap((a) => lakePaths(s).map((p) => `${a} ${p}`)))
      .sort();
    expect(grants).toEqual([
      's3:AbortMultipartUpload ticks/*',
      's3:DeleteObject staging/ticks/*',
      's3:GetObject staging/ticks/*',
      's3:GetObject ticks/*',
      's3:ListBucket <bucket>',
      's3:PutObject ticks/*',
    ]);
  });

  it('lets the bronze writer write only staging/ticks/ and the marks it keeps (the compactor owns ticks/)', () => {
    // Its writes to the on-failure bucket are Lambda's (a failed batch, written with the function's role).
    const s3 = statementsOf(template, 'Bronze')
      .filter((s) => !JSON.stringify(s.Resource).includes('FailedBatchesBucket'))
      .filter((s) => actions([s]).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(lakePaths)).toEqual(['staging/ticks/*', '_marks/*']);
    expect(actions(s3).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
  });

  it('never expires staged objects by lifecycle (an uncompacted object would lose ticks)', () => {
    const lake = Object.values(template.findResources('AWS::S3::Bucket')).find(
      (b) => (b as Resource).Properties.VersioningConfiguration,
    ) as Resource;
    const rules = (lake.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('ExpirationDate');
    }
  });

  it('alarms on a staged backlog left by 3 runs in a row and on any unreadable staged object', () => {
    const compactorMetric = (metricName: string) => ({
      Namespace: metricsNamespace(DEFAULT_CONFIG.prefix),
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: 'compactor' }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...compactorMetric(COMPACTOR_METRICS.stagedBacklog),
      EvaluationPeriods: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...compactorMetric(COMPACTOR_METRICS.unreadableStagedObjects),
      EvaluationPeriods: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Compactor') } }],
    });
  });
});

describe('TickflowStack: preprocess', () => {
  it('deploys the state machine with its nightly rule off, an alarm on failed or timed-out executions and its ARN as output', () => {
    const template = synth();
    // Preprocess and backfill.
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    template.hasOutput('BackfillStateMachineArn', {
      Value: { Ref: Match.stringLikeRegexp('^BackfillStateMachine') },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'DISABLED',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^PreprocessStateMachine') } })],
    });
    // One alarm on executions that failed or timed out (metric math over both).
    const stat = (metricName: string) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: {
            MetricName: metricName,
            Namespace: 'AWS/States',
            Dimensions: [
              { Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('^PreprocessStateMachine') } },
            ],
          },
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'failed + timedOut' }),
        stat('ExecutionsFailed'),
        stat('ExecutionsTimedOut'),
      ]),
    });
    template.hasOutput('PreprocessStateMachineArn', {
      Value: { Ref: Match.stringLikeRegexp('^PreprocessStateMachine') },
    });
  });

  it('turns the nightly rule on with the configured schedule expression', () => {
    const template = synth(resolveConfig({ nightlySchedule: 'cron(15 3 * * ? *)' }));
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      ScheduleExpression: 'cron(15 3 * * ? *)',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^PreprocessStateMachine') } })],
    });
  });
});

describe('TickflowStack: serving store', () => {
  it('creates the keyspace and bars table from the config and points the aggregator at them', () => {
    const template = synth(resolveConfig({ serving: { keyspaceName: 'bars_dev', ttlSeconds: 86_400 } }));
    template.hasResourceProperties('AWS::Cassandra::Keyspace', { KeyspaceName: 'bars_dev' });
    template.hasResourceProperties('AWS::Cassandra::Table', {
      KeyspaceName: 'bars_dev',
      TableName: 'bars',
      DefaultTimeToLive: 86_400,
    });
    // The idle flush writes no bars (it puts watermark marks on the stream): no serving access.
    expect(envOf(template, 'Materializer')).not.toHaveProperty(SERVING_ENV.kind);
    expect(actions(statementsOf(template, 'Materializer')).filter((a) => a.startsWith('cassandra:'))).toEqual(
      [],
    );
    for (const fn of ['Aggregator']) {
      expect({ fn, env: envOf(template, fn) }).toMatchObject({
        fn,
        env: { [SERVING_ENV.kind]: 'keyspaces', [SERVING_ENV.keyspace]: 'bars_dev' },
      });
      const cassandra = statementsOf(template, fn).filter((s) =>
        actions([s]).some((a) => a.startsWith('cassandra:')),
      );
      expect(JSON.stringify(cassandra)).toContain(
        ':cassandra:eu-west-1:123456789012:/keyspace/bars_dev/table/bars',
      );
      expect(actions(cassandra).sort()).toEqual(['cassandra:Modify', 'cassandra:Select', 'cassandra:Select']);
    }
    template.hasOutput('ServingKeyspaceName', { Value: 'bars_dev' });
  });

  it('lets the aggregator read the system tables the driver reads on connect, judged as IAM judges ARNs', () => {
    const template = synth();
    const env = { account: '123456789012', region: 'eu-west-1' };
    const arn = (keyspace: string, table?: string) =>
      `arn:aws:cassandra:eu-west-1:123456789012:/keyspace/${keyspace}/${table ? `table/${table}` : ''}`;
    const aggregator = statementsOfPolicies(template, 'AggregatorHandler');
    // What the DataStax driver selects while connecting and refreshing its metadata.
    for (const [keyspace, table] of [
      ['system', 'local'],
      ['system', 'peers'],
      ['system', 'peers_v2'],
      ['system_schema', 'keyspaces'],
      ['system_schema', 'tables'],
      ['system_schema', 'columns'],
      ['system_virtual_schema', 'keyspaces'],
    ] as const) {
      expect(
        isAllowed(template, aggregator, 'cassandra:Select', arn(keyspace, table), env),
        `${keyspace}.${table}`,
      ).toBe(true);
      expect(isAllowed(template, aggregator, 'cassandra:Modify', arn(keyspace, table), env)).toBe(false);
    }
    const keyspace = DEFAULT_CONFIG.serving.keyspaceName;
    expect(isAllowed(template, aggregator, 'cassandra:Modify', arn(keyspace, 'bars'), env)).toBe(true);
    expect(isAllowed(template, aggregator, 'cassandra:Select', arn(keyspace, 'bars'), env)).toBe(true);
    expect(isAllowed(template, aggregator, 'cassandra:Select', arn('other_data', 'bars'), env)).toBe(false);
  });

  it('leaves no serving resource, grant or setting behind when disabled', () => {
    const template = synth(resolveConfig({ serving: { enabled: false } }));
    template.resourceCountIs('AWS::Cassandra::Keyspace', 0);
    template.resourceCountIs('AWS::Cassandra::Table', 0);
    for (const fn of ['Aggregator', 'Materializer']) {
      expect(envOf(template, fn)).not.toHaveProperty(SERVING_ENV.kind);
      expect(actions(statementsOf(template, fn)).filter((a) => a.startsWith('cassandra:'))).toEqual([]);
    }
  });
});
