import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig, type TickflowConfig } from '../../infra/config.js';
import { alwaysOnInventory, lambdaSizing } from '../../infra/cost-inventory.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { handlerCodeForTests, MSK_SOURCE, templateApp } from './support.js';

function synth(config: TickflowConfig): Template {
  const stack = new TickflowStack(templateApp(), 'Tickflow', {
    env: { account: '123456789012', region: 'eu-west-1' },
    config,
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

const count = (t: Template, type: string) => Object.keys(t.findResources(type)).length;

/** An MSK source with IAM access (its alarms differ from Kinesis': offset lag, the aggregator's heartbeat). */
const MSK = MSK_SOURCE;

describe('the cost inventory derived from the config', () => {
  for (const [label, config] of [
    ['default config', DEFAULT_CONFIG],
    ['4 shards, 3 intervals', resolveConfig({ stream: { shards: 4 }, intervals: ['1m', '5m', '1h'] })],
    ['on-demand stream', resolveConfig({ stream: { shards: 'ON_DEMAND' } })],
    ['heartbeat on', resolveConfig({ alarms: { noTicksMinutes: 30 } })],
    ['dashboard on, materializer every minute', resolveConfig({ dashboard: true, materializerMinutes: 1 })],
    ['no serving store', resolveConfig({ serving: { enabled: false } })],
    ['Kafka source', resolveConfig({ source: MSK })],
    [
      'Kafka source, heartbeat on, 3 pollers',
      resolveConfig({ source: { ...MSK, pollers: { minimum: 3 } }, alarms: { noTicksMinutes: 30 } }),
    ],
  ] as const) {
    it(`matches the synthesized template's always-on resources (${label})`, () => {
      const t = synth(config);
      const inv = alwaysOnInventory(config);
      expect(inv.kmsKeys).toBe(count(t, 'AWS::KMS::Key'));
      // Each alarm bills per metric it reads: one, each MetricStat of its metric-math expression, or
      // (the floor) one for a Metrics Insights query.
      const alarmMetrics = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => {
        const metrics = (a.Properties as { Metrics?: { MetricStat?: unknown; Expression?: string }[] })
          .Metrics;
        if (metrics?.some((m) => m.Expression?.startsWith('SELECT '))) return 1;
        return metrics ? metrics.filter((m) => m.MetricStat).length : 1;
      });
      expect(inv.alarms).toBe(alarmMetrics.reduce((x, y) => x + y, 0));
      expect(inv.dashboards).toBe(count(t, 'AWS::CloudWatch::Dashboard'));
      const streams = Object.values(t.findResources('AWS::Kinesis::Stream')) as {
        Properties: { ShardCount?: number; StreamModeDetails?: { StreamMode: string } };
      }[];
      const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')) as {
        Properties: { ProvisionedPollerConfig?: { MinimumPollers: number } };
      }[];
      const pollers = mappings.map((m) => m.Properties.ProvisionedPollerConfig?.MinimumPollers ?? 0);
      expect(inv.kafkaEventPollers ?? 0).toBe(pollers.reduce((a, b) => a + b, 0));
      if (config.source.kind === 'kafka') {
        expect(streams).toHaveLength(0);
        expect(inv).toMatchObject({ onDemandStreams: 0, provisionedShards: 0, kafkaClusters: 1 });
      } else {
        expect(streams).toHaveLength(1);
        const props = streams[0]!.Properties;
        expect(inv).toMatchObject(
          props.StreamModeDetails?.StreamMode === 'ON_DEMAND'
            ? { onDemandStreams: 1, provisionedShards: 0 }
            : { onDemandStreams: 0, provisionedShards: props.ShardCount },
        );
      }
      const rules = Object.values(t.findResources('AWS::Events::Rule')) as {
        Properties: { ScheduleExpression?: string; State?: string };
      }[];
      const perMonth = rules
        .filter(
          (r) => r.Properties.State !== 'DISABLED' && r.Properties.ScheduleExpression?.startsWith('rate('),
        )
        .map((r) => {
          const m = /^rate\((\d+) minutes?\)$/.exec(r.Properties.ScheduleExpression ?? '');
          if (!m) throw new Error(`unexpected schedule ${r.Properties.ScheduleExpression}`);
          return (730 * 60) / Number(m[1]);
        });
      expect(inv.scheduledInvocationsPerMonth).toBe(perMonth.reduce((a, b) => a + b, 0));
    });
  }

  it('prices Lambda at the memory and architecture the template deploys', () => {
    const t = synth(DEFAULT_CONFIG);
    const sizing = lambdaSizing(DEFAULT_CONFIG);
    const fns = Object.entries(t.findResources('AWS::Lambda::Function')) as [
      string,
      { Properties: { MemorySize: number; Architectures?: string[] } },
    ][];
    const memoryOf = (prefix: string) => {
      const found = fns.filter(([id]) => id.startsWith(prefix));
      expect(found.length, prefix).toBeGreaterThan(0);
      return found[0]![1].Properties;
    };
    expect(memoryOf('Aggregator').MemorySize).toBe(sizing.aggregatorMb);
    expect(memoryOf('Bronze').MemorySize).toBe(sizing.bronzeMb);
    expect(memoryOf('Materializer').MemorySize).toBe(sizing.materializerMb);
    expect(memoryOf('Compactor').MemorySize).toBe(sizing.compactorMb);
    for (const prefix of ['Aggregator', 'Bronze', 'Materializer', 'Compactor']) {
      expect(memoryOf(prefix).Architectures).toEqual([sizing.architecture]);
    }
  });
});
