import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type TickflowConfigOverrides } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { handlerCodeForTests, MSK_SOURCE, templateApp } from './support.js';

const MSK: TickflowConfigOverrides['source'] = MSK_SOURCE;

describe('docs/runbook.md', () => {
  const runbook = readFileSync(resolve(PROJECT_ROOT, 'docs', 'runbook.md'), 'utf8');
  const sections = new Set([...runbook.matchAll(/^## (\w+)$/gm)].map((m) => m[1]));

  // Every optional alarm on, on both sources (a Kafka source has its own lag alarms).
  for (const [source, overrides] of [
    ['Kinesis', {}],
    ['Kafka', { source: MSK }],
  ] as const) {
    it(`has a section for every alarm the template defines, the optional ones included (${source})`, () => {
      const stack = new TickflowStack(templateApp(), 'Tickflow', {
        env: { account: '123456789012', region: 'eu-west-1' },
        config: resolveConfig({ ...overrides, alarms: { noTicksMinutes: 30 } }),
        handlerCode: handlerCodeForTests(),
      });
      const template = Template.fromStack(stack);
      // Every alarm of the template is one of Monitoring's (none made elsewhere), named by its id.
      const alarms = stack.monitoring.alarms;
      expect(alarms.length).toBe(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length);
      const ids = alarms.map((a) => a.node.id);
      expect(ids.length).toBeGreaterThanOrEqual(20);
      expect(ids).toContain(source === 'Kafka' ? 'AggregatorOffsetLag' : 'AggregatorIteratorAge');
      expect(ids.filter((id) => !sections.has(id))).toEqual([]);
      // And each alarm's description links to its own section.
      for (const alarm of alarms) {
        const resource = template.toJSON().Resources[stack.getLogicalId(alarm.node.defaultChild as CfnAlarm)];
        expect(resource.Properties.AlarmDescription).toContain(
          `docs/runbook.md#${alarm.node.id.toLowerCase()}`,
        );
      }
    });
  }
});
