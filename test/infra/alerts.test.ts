import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig, type TickflowConfigOverrides } from '../../infra/config.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { AGGREGATOR_METRICS, metricsNamespace } from '../../shared/metrics.js';
import { handlerCodeForTests, templateApp } from './support.js';

function synth(overrides: TickflowConfigOverrides = {}): Template {
  const stack = new TickflowStack(templateApp(), 'Tickflow', {
    env: { account: '123456789012', region: 'eu-west-1' },
    config: resolveConfig(overrides),
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

describe('alerts that reach people', () => {
  it('subscribes the configured emails, HTTPS endpoints and a queue for tooling to the alarm topic', () => {
    const t = synth({
      alerts: {
        emails: ['oncall@example.com'],
        httpsEndpoints: ['https://pager.example.com/hook'],
        queue: true,
      },
    });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://pager.example.com/hook',
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertQueue'), 'Arn'] },
    });
    // SNS may use the (customer-managed) key of the queue it delivers to.
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Principal: { Service: 'sns.amazonaws.com' },
          }),
        ]),
      },
    });
    t.hasOutput('AlertQueueUrl', Match.anyValue());
  });

  it('has no subscription and no queue unless configured', () => {
    const t = synth();
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(Object.keys(t.findOutputs('AlertQueueUrl'))).toEqual([]);
  });

  it('refuses an address that is not an email and an endpoint that is not HTTPS, naming the setting', () => {
    expect(() => synth({ alerts: { emails: ['oncall'] } })).toThrow(
      /alerts\.emails = "oncall"; use an email/,
    );
    expect(() => synth({ alerts: { httpsEndpoints: ['http://x.example.com'] } })).toThrow(
      /alerts\.httpsEndpoints .* use an https:\/\/ URL/,
    );
  });

  it('alarms on symbols left for retry by partial batch failures and on watermark lag', () => {
    const t = synth();
    const aggregatorMetric = (name: string, statistic: string) => ({
      Namespace: metricsNamespace(DEFAULT_CONFIG.prefix),
      MetricName: name,
      Dimensions: [{ Name: 'service', Value: 'aggregator' }],
      Statistic: statistic,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...aggregatorMetric(AGGREGATOR_METRICS.failedSymbols, 'Sum'),
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...aggregatorMetric(AGGREGATOR_METRICS.watermarkLagMs, 'Maximum'),
      Threshold: 900_000,
      EvaluationPeriods: 3,
    });
  });

  it("alarms on the serving table's errors and throttles, summed over its operations, and not without it", () => {
    const t = synth({ prefix: 'tickflow-prod' });
    const queries = Object.values(t.findResources('AWS::CloudWatch::Alarm')).flatMap((a) =>
      ((a.Properties as { Metrics?: { Expression?: string; Period?: number }[] }).Metrics ?? [])
        .filter((m) => m.Expression?.startsWith('SELECT'))
        .map((m) => [m.Expression, m.Period]),
    );
    const where = `FROM SCHEMA("AWS/Cassandra", Keyspace, Operation, TableName) WHERE Keyspace = 'tickflow_prod' AND TableName = 'bars'`;
    expect(queries.sort()).toEqual(
      ['ReadThrottleEvents', 'SystemErrors', 'UserErrors', 'WriteThrottleEvents'].map((m) => [
        `SELECT SUM(${m}) ${where}`,
        300,
      ]),
    );
    const off = synth({ serving: { enabled: false } }).findResources('AWS::CloudWatch::Alarm');
    expect(JSON.stringify(off)).not.toContain('AWS/Cassandra');
  });

  it('alarms on failed or timed-out executions of both state machines, preprocess and backfill', () => {
    const t = synth();
    for (const machine of ['Preprocess', 'Backfill']) {
      const alarms = t.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          AlarmDescription: Match.stringLikeRegexp(`#${machine.toLowerCase()}failedexecutions$`),
        },
      });
      const metrics = (
        Object.values(alarms)[0]!.Properties as {
          Metrics: {
            Id: string;
            MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: { Ref: string } }[] } };
          }[];
        }
      ).Metrics;
      const stats = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
      expect(stats.map((m) => m.MetricName).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const m of stats) expect(m.Dimensions[0]!.Value.Ref).toMatch(new RegExp(`^${machine}`));
    }
  });

  it('refuses a watermark lag threshold the lag can never go below (the allowed lateness)', () => {
    expect(() => synth({ alarms: { watermarkLagMs: 600_000 } })).toThrow(/alarms\.watermarkLagMs = 600000/);
  });

  it('adds a heartbeat on the tick stream only when asked for: missing data is breaching there', () => {
    expect(
      Object.values(synth().findResources('AWS::CloudWatch::Alarm')).filter(
        (a) => (a.Properties as { MetricName?: string }).MetricName === 'IncomingRecords',
      ),
    ).toEqual([]);
    synth({ alarms: { noTicksMinutes: 30 } }).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kinesis',
      MetricName: 'IncomingRecords',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 6,
      TreatMissingData: 'breaching',
    });
  });

  it('points every alarm description at its runbook section', () => {
    const alarms = Object.values(
      synth({ alarms: { noTicksMinutes: 15 } }).findResources('AWS::CloudWatch::Alarm'),
    );
    for (const a of alarms) {
      expect((a.Properties as { AlarmDescription: string }).AlarmDescription).toMatch(
        /runbook: docs\/runbook\.md#[a-z]+/,
      );
    }
  });
});
