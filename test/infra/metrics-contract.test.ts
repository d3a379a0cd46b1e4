/**
 * The metrics contract end to end: the alarms and the dashboard of the synthesized stack read only
 * metrics that the real publishers emit, with the same namespace, name and dimensions. The publishers run for real
 * (Powertools writes EMF documents to stdout, captured here), each with the namespace the template sets in
 * its function's environment; nothing is mocked.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HANDLER_ENV, resolveConfig } from '../../infra/config.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { BronzeMetricsPublisher } from '../../shared/adapters/bronze/metrics.js';
import { BatchMetricsPublisher, publishIdleWatermarks } from '../../shared/adapters/metrics.js';
import { METRIC_SERVICES, METRICS_NAMESPACE_ROOT, metricsNamespace } from '../../shared/metrics.js';
import { emptyReport } from '../../shared/pipeline/aggregation-service.js';
import { handlerCodeForTests, MSK_SOURCE, templateApp } from './support.js';

/** One metric as CloudWatch identifies it: namespace, name and the dimension values, sorted by name. */
type MetricId = string;
type Dimension = { Name: string; Value: unknown };

const metricId = (namespace: string, name: string, dimensions: Record<string, unknown>): MetricId =>
  `${namespace} ${name} ${JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1)))}`;

/** Every metric an EMF document on stdout declares, with the dimension values it carries. */
function emittedBy(publish: () => void): MetricId[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    publish();
  } finally {
    spy.mockRestore();
  }
  const ids: MetricId[] = [];
  for (const line of lines.join('').split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const doc = JSON.parse(line) as Record<string, unknown> & {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
    };
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const set of directive.Dimensions) {
        const dimensions = Object.fromEntries(set.map((name) => [name, doc[name]]));
        for (const m of directive.Metrics) ids.push(metricId(directive.Namespace, m.Name, dimensions));
      }
    }
  }
  return ids;
}

/** A namespace of the pipeline's own metrics (any environment's), not an AWS service's. */
const isPipelines = (namespace: unknown) =>
  typeof namespace === 'string' && namespace.split('/')[0] === METRICS_NAMESPACE_ROOT;

/** Every metric of the pipeline's namespaces that an alarm reads, directly or inside metric math. */
function readByAlarms(template: Template): MetricId[] {
  const ids: MetricId[] = [];
  const add = (m: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }) => {
    if (!isPipelines(m.Namespace)) return;
    const dimensions = Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value]));
    ids.push(metricId(m.Namespace!, m.MetricName!, dimensions));
  };
  for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    const p = (alarm as { Properties: Record<string, unknown> }).Properties;
    add(p);
    for (const q of (p.Metrics as { MetricStat?: { Metric: Record<string, never> } }[] | undefined) ?? []) {
      if (q.MetricStat) add(q.MetricStat.Metric);
    }
  }
  return ids;
}

/** Every metric of the pipeline's namespace on the dashboard (tokens in the body become placeholders). */
function readByDashboard(template: Template): MetricId[] {
  const ids: MetricId[] = [];
  for (const dashboard of Object.values(template.findResources('AWS::CloudWatch::Dashboard'))) {
    const body = (dashboard as { Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } } })
      .Properties.DashboardBody['Fn::Join'][1];
    const text = body.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    const widgets = (JSON.parse(text) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
    for (const line of widgets.flatMap((w) => w.properties.metrics ?? [])) {
      if (!isPipelines(line[0])) continue;
      const dimensions: Record<string, unknown> = {};
      for (let i = 2; i + 1 < line.length && typeof line[i] === 'string'; i += 2) {
        dimensions[line[i] as string] = line[i + 1];
      }
      ids.push(metricId(line[0] as string, line[1] as string, dimensions));
    }
  }
  return ids;
}

/** The metric namespace each publishing function of the template is given, by its `service`. */
function namespacesOfFunctions(template: Template): Map<string, string> {
  const out = new Map<string, string>();
  for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
    const vars = (fn as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties
      .Environment?.Variables;
    const service = vars?.[HANDLER_ENV.serviceName];
    if (service) out.set(service, vars[HANDLER_ENV.metricsNamespace]!);
  }
  return out;
}

const PREFIX = 'tickflow-prod';

/** The same environment reading an MSK topic, with the heartbeat on: it reads the aggregator's metric there. */
const KAFKA = resolveConfig({
  prefix: PREFIX,
  alarms: { noTicksMinutes: 30 },
  source: MSK_SOURCE,
});

describe('metrics contract', () => {
  let template: Template;
  let kafkaTemplate: Template;
  let emitted: Set<MetricId>;
  let namespaces: Map<string, string>;

  beforeAll(() => {
    const stack = new TickflowStack(templateApp(), 'Tickflow', {
      env: { account: '123456789012', region: 'eu-west-1' },
      // With the dashboard (off by default), so its metrics are checked too.
      config: resolveConfig({ prefix: PREFIX, dashboard: true }),
      handlerCode: handlerCodeForTests(),
    });
    template = Template.fromStack(stack);
    kafkaTemplate = Template.fromStack(
      new TickflowStack(templateApp(), 'Tickflow', {
        env: { account: '123456789012', region: 'eu-west-1' },
        config: KAFKA,
        handlerCode: handlerCodeForTests(),
      }),
    );
    namespaces = namespacesOfFunctions(template);
    const ns = (service: string) => namespaces.get(service) ?? 'not in the template';
    const report = { ...emptyReport(3), valid: 3, bars: { '1m': 1 }, late: { '5m': 1 } };
    emitted = new Set([
      ...emittedBy(() =>
        new BatchMetricsPublisher(ns(METRIC_SERVICES.aggregator), METRIC_SERVICES.aggregator).publish(report),
      ),
      ...emittedBy(() =>
        publishIdleWatermarks(1, ns(METRIC_SERVICES.materializer), METRIC_SERVICES.materializer),
      ),
      ...emittedBy(() =>
        new BronzeMetricsPublisher(ns(METRIC_SERVICES.bronze), METRIC_SERVICES.bronze).publishBatch({
          records: 1,
          ticks: 1,
          invalid: 0,
          unpartitionable: 0,
          marks: 0,
          stagedKeys: ['k'],
        }),
      ),
      ...emittedBy(() =>
        new BronzeMetricsPublisher(
          ns(METRIC_SERVICES.compactor),
          METRIC_SERVICES.compactor,
        ).publishCompaction({
          stagedFiles: 1,
          rowsIn: 1,
          rowsOut: 1,
          filesWritten: 1,
          duplicatesDropped: 0,
          unreadable: [],
          remaining: 0,
        }),
      ),
    ]);
  });

  afterEach(() => vi.restoreAllMocks());

  it('captures what the publishers emit (the check below is not vacuous)', () => {
    expect(emitted.size).toBeGreaterThan(20);
    expect(readByAlarms(template).length).toBeGreaterThanOrEqual(4);
    expect(readByDashboard(template).length).toBeGreaterThanOrEqual(8);
  });

  it("gives every publishing function the environment's own namespace, Tickflow/<prefix>", () => {
    expect([...namespaces.keys()].sort()).toEqual(
      [
        METRIC_SERVICES.aggregator,
        METRIC_SERVICES.bronze,
        METRIC_SERVICES.compactor,
        METRIC_SERVICES.materializer,
      ].sort(),
    );
    expect(new Set(namespaces.values())).toEqual(new Set([`Tickflow/${PREFIX}`]));
    expect(metricsNamespace('tickflow-dev')).not.toBe(metricsNamespace(PREFIX));
  });

  it('every metric an alarm reads is one a publisher emits, with the same namespace and dimensions', () => {
    const unpublished = readByAlarms(template).filter((id) => !emitted.has(id));
    expect(unpublished).toEqual([]);
  });

  it("on a Kafka source too, whose heartbeat reads the aggregator's ValidTicks", () => {
    expect(namespacesOfFunctions(kafkaTemplate)).toEqual(namespaces);
    const read = readByAlarms(kafkaTemplate);
    expect(read.length).toBe(readByAlarms(template).length + 1);
    expect(read.filter((id) => !emitted.has(id))).toEqual([]);
    expect(readByDashboard(kafkaTemplate).filter((id) => !emitted.has(id))).toEqual([]);
  });

  it('every metric the dashboard shows is one a publisher emits', () => {
    const unpublished = readByDashboard(template).filter((id) => !emitted.has(id));
    expect(unpublished).toEqual([]);
  });
});
