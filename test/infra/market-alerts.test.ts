/**
 * Market alerts in the deployed stack: the materializer gets the thresholds and the alarm topic in its
 * environment, and may publish to that topic and use its key, judged as IAM judges ARNs; no other
 * function may. Settings are checked at synth, naming the setting.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV, resolveConfig, type TickflowConfigOverrides } from '../../infra/config.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { DEFAULT_MARKET_ALERT_CONFIG } from '../../shared/domain/market-alerts/index.js';
import { isAllowed, statementsOfPolicies } from './iam-eval.js';
import { handlerCodeForTests, templateApp } from './support.js';

const env = { account: '123456789012', region: 'eu-west-1' };

function synth(overrides: TickflowConfigOverrides = {}): Template {
  const stack = new TickflowStack(templateApp(), 'Tickflow', {
    env,
    config: resolveConfig(overrides),
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

function materializerEnv(t: Template): Record<string, unknown> {
  const [fn] = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith('Materializer'),
  );
  return (fn![1].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
}

const logicalIdOf = (t: Template, type: string) => {
  const ids = Object.keys(t.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe('market alerts in the deployed stack', () => {
  it('hands the materializer the thresholds and the alarm topic, and lets it alone publish there', () => {
    const t = synth({
      marketAlerts: {
        defaults: { sigma: 8 },
        classes: [{ name: 'fx', symbols: ['EUR/*'], thresholds: { quietAfterMs: 600_000 } }],
      },
    });
    const vars = materializerEnv(t);
    expect(JSON.parse(vars[HANDLER_ENV.marketAlerts] as string)).toEqual({
      interval: '1m',
      defaults: { ...DEFAULT_MARKET_ALERT_CONFIG.defaults, sigma: 8 },
      classes: [{ name: 'fx', symbols: ['EUR/*'], thresholds: { quietAfterMs: 600_000 } }],
    });
    const topicId = logicalIdOf(t, 'AWS::SNS::Topic');
    expect(vars[HANDLER_ENV.alertTopicArn]).toEqual({ Ref: topicId });

    const topic = `arn:aws:sns:${env.region}:${env.account}:${topicId}`;
    const key = `arn:aws:kms:${env.region}:${env.account}:key/${logicalIdOf(t, 'AWS::KMS::Key')}`;
    const materializer = statementsOfPolicies(t, 'MaterializerHandler');
    expect(isAllowed(t, materializer, 'sns:Publish', topic, env)).toBe(true);
    // The topic is encrypted with the data key: publishing needs a data key and decrypt.
    expect(isAllowed(t, materializer, 'kms:GenerateDataKey', key, env)).toBe(true);
    expect(isAllowed(t, materializer, 'kms:Decrypt', key, env)).toBe(true);
    expect(isAllowed(t, materializer, 'sns:Publish', `${topic}-other`, env)).toBe(false);
    for (const other of ['AggregatorHandler', 'BronzeHandler', 'CompactorHandler']) {
      expect(isAllowed(t, statementsOfPolicies(t, other), 'sns:Publish', topic, env), other).toBe(false);
    }
    // The key policy leaves the key's use to IAM policies in the account (the root principal).
    const keyPolicy = Object.values(t.findResources('AWS::KMS::Key'))[0]!.Properties as {
      KeyPolicy: { Statement: { Principal?: { AWS?: unknown }; Action: unknown }[] };
    };
    expect(JSON.stringify(keyPolicy.KeyPolicy.Statement)).toContain(':root');
  });

  it('leaves the watch, its settings and the grant out when marketAlerts is "off"', () => {
    const t = synth({ marketAlerts: 'off' });
    const vars = materializerEnv(t);
    expect(vars[HANDLER_ENV.marketAlerts]).toBeUndefined();
    expect(vars[HANDLER_ENV.alertTopicArn]).toBeUndefined();
    expect(JSON.stringify(statementsOfPolicies(t, 'MaterializerHandler'))).not.toContain('sns:Publish');
  });

  it.each([
    [{ defaults: { sigma: -1 } }, /marketAlerts\.defaults\.sigma = -1 .*a number > 0/],
    [{ sigma: 8 }, /marketAlerts\.sigma = 8 .*no such setting/],
    [{ interval: '5m_1m' }, /marketAlerts\.interval = "5m_1m" .*tumbling interval the stack computes/],
    [{ interval: '2m' }, /marketAlerts\.interval = "2m" .*intervals: 1m, 5m/],
    ['on', /marketAlerts = "on" .*or "off"/],
    [
      {
        classes: Array.from({ length: 40 }, (_, i) => ({
          name: `c${i}`,
          symbols: [`SYM${i}-*`],
          thresholds: { sigma: 8 },
        })),
      },
      /marketAlerts\.classes = "40 classes" .*more than the 2000 .*fewer classes/,
    ],
  ])('refuses marketAlerts %j at synth, naming the setting', (value, message) => {
    expect(() => synth({ marketAlerts: value as never })).toThrow(message);
  });
});
