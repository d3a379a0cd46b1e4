import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { HANDLER_ENV } from '../config.js';
import {
  AGGREGATOR_METRICS as A,
  INTERVAL_DIMENSION,
  MATERIALIZER_METRICS,
  METRIC_SERVICES,
} from '../metrics.js';
import type { BatchReport } from '../pipeline/aggregation-service.js';
import type { UnusableState } from '../pipeline/unusable-state.js';
import { requireString } from './env.js';

/**
 * The environment's metric namespace (`metricsNamespace(prefix)` of `shared/metrics.ts`), which the CDK
 * app sets on every handler; required, so a function deployed without it fails at cold start instead of
 * publishing where no alarm looks.
 */
export function metricsNamespaceFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return requireString(env, HANDLER_ENV.metricsNamespace);
}

/**
 * Publishes a batch report as CloudWatch Embedded Metric Format on stdout (Powertools Metrics).
 * Names and dimensions come from `shared/metrics.ts`, which the CDK app's alarms and dashboard read too.
 */
export class BatchMetricsPublisher {
  private readonly metrics: Metrics;

  /** @param namespace the environment's, e.g. `metricsNamespaceFromEnv()` */
  constructor(namespace: string, serviceName: string = METRIC_SERVICES.aggregator) {
    this.metrics = new Metrics({ namespace, serviceName });
  }

  publish(report: BatchReport): void {
    const m = this.metrics;
    const seconds = Math.max(report.durationMs, 1) / 1000;
    m.addMetric(A.records, MetricUnit.Count, report.records);
    m.addMetric(A.validTicks, MetricUnit.Count, report.valid);
    m.addMetric(A.ticksPerSecond, MetricUnit.CountPerSecond, report.valid / seconds);
    m.addMetric(A.quarantined, MetricUnit.Count, report.quarantined);
    m.addMetric(A.duplicates, MetricUnit.Count, report.duplicates);
    m.addMetric(A.replayedRecords, MetricUnit.Count, report.replayedRecords);
    m.addMetric(A.lateTicks, MetricUnit.Count, sum(report.late));
    m.addMetric(A.barsEmitted, MetricUnit.Count, sum(report.bars));
    m.addMetric(A.stateWrites, MetricUnit.Count, report.stateWrites);
    m.addMetric(A.stateConflicts, MetricUnit.Count, report.stateConflicts);
    m.addMetric(A.failedSymbols, MetricUnit.Count, report.failedSymbols.length);
    m.addMetric(A.unusableStates, MetricUnit.Count, report.unusableStates.length);
    m.addMetric(A.watermarkLagMs, MetricUnit.Milliseconds, report.watermarkLagMs);
    m.publishStoredMetrics();
    // Per-interval counts as a second EMF document with the interval as a dimension.
    for (const interval of new Set([...Object.keys(report.bars), ...Object.keys(report.late)])) {
      const single = m.singleMetric();
      single.addDimension(INTERVAL_DIMENSION, interval);
      single.addMetric(A.barsEmitted, MetricUnit.Count, report.bars[interval] ?? 0);
      single.addMetric(A.lateTicks, MetricUnit.Count, report.late[interval] ?? 0);
    }
  }
}

/**
 * One error line (JSON on stderr, which CloudWatch Logs keeps) per symbol whose state could not be
 * used: the symbol, the state item's version and what is wrong with it, for someone to repair it.
 */
export function logUnusableState(state: UnusableState, write: (line: string) => void = console.error): void {
  write(
    JSON.stringify({
      level: 'ERROR',
      message: `state of "${state.symbol}" is ${state.problem}; its ticks of the batch were quarantined`,
      ...state,
    }),
  );
}

/** The idle flush's one metric: watermark marks put on the stream by a run (0 when all symbols are busy or closed). */
export function publishIdleWatermarks(
  marks: number,
  namespace: string,
  serviceName: string = METRIC_SERVICES.materializer,
): void {
  // Nothing on a quiet minute: a custom metric is billed for every hour it receives data.
  if (marks === 0) return;
  const metrics = new Metrics({ namespace, serviceName });
  metrics.addMetric(MATERIALIZER_METRICS.idleWatermarks, MetricUnit.Count, marks);
  metrics.publishStoredMetrics();
}

function sum(counts: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(counts)) s += v;
  return s;
}

/** Adds one report into a running total (the local run's summary). */
export function addReports(total: BatchReport, r: BatchReport): BatchReport {
  const merge = (a: Record<string, number>, b: Record<string, number>) => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    records: total.records + r.records,
    valid: total.valid + r.valid,
    quarantined: total.quarantined + r.quarantined,
    duplicates: total.duplicates + r.duplicates,
    replayedRecords: total.replayedRecords + r.replayedRecords,
    late: merge(total.late, r.late),
    bars: merge(total.bars, r.bars),
    stateWrites: total.stateWrites + r.stateWrites,
    stateConflicts: total.stateConflicts + r.stateConflicts,
    failedSymbols: [...new Set([...total.failedSymbols, ...r.failedSymbols])],
    unusableStates: [...total.unusableStates, ...r.unusableStates],
    watermarkLagMs: Math.max(total.watermarkLagMs, r.watermarkLagMs),
    durationMs: total.durationMs + r.durationMs,
  };
}
