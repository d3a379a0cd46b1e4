import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BRONZE_METRICS as B, COMPACTOR_METRICS as C } from '../../metrics.js';
import type { BronzeBatchReport } from '../../pipeline/bronze/bronze-writer.js';
import type { CompactionReport } from '../../pipeline/bronze/tick-compactor.js';

/**
 * EMF metrics of the bronze layer (names in `shared/metrics.ts`; `service` = bronze or compactor). `StagedBacklog`
 * and `UnreadableStagedObjects` are the ones to alarm on: compaction falling behind, or a poison object.
 */
export class BronzeMetricsPublisher {
  private readonly metrics: Metrics;

  /** @param namespace the environment's, e.g. `metricsNamespaceFromEnv()` */
  constructor(namespace: string, serviceName: string) {
    this.metrics = new Metrics({ namespace, serviceName });
  }

  publishBatch(report: BronzeBatchReport): void {
    const m = this.metrics;
    m.addMetric(B.records, MetricUnit.Count, report.records);
    m.addMetric(B.bronzeTicks, MetricUnit.Count, report.ticks);
    m.addMetric(B.bronzeInvalid, MetricUnit.Count, report.invalid);
    m.addMetric(B.bronzeUnpartitionable, MetricUnit.Count, report.unpartitionable);
    m.addMetric(B.stagedObjectsWritten, MetricUnit.Count, report.stagedKeys.length);
    m.publishStoredMetrics();
  }

  /**
   * Publishes a compaction run's metrics, unless it had nothing to do and nothing is left: CloudWatch
   * bills a custom metric for every hour it receives data, and the compactor runs on a schedule
   * whether ticks flow or not, so an idle stack publishes nothing (a missing point reads as "no
   * backlog" to the alarms, which treat missing data as not breaching).
   */
  publishCompaction(report: CompactionReport): void {
    if (report.stagedFiles === 0 && report.remaining === 0 && report.unreadable.length === 0) return;
    const m = this.metrics;
    m.addMetric(C.stagedObjectsConsumed, MetricUnit.Count, report.stagedFiles);
    m.addMetric(C.compactionRowsIn, MetricUnit.Count, report.rowsIn);
    m.addMetric(C.compactionRowsOut, MetricUnit.Count, report.rowsOut);
    m.addMetric(C.compactedFilesWritten, MetricUnit.Count, report.filesWritten);
    m.addMetric(C.compactionDuplicatesDropped, MetricUnit.Count, report.duplicatesDropped);
    m.addMetric(C.unreadableStagedObjects, MetricUnit.Count, report.unreadable.length);
    m.addMetric(C.stagedBacklog, MetricUnit.Count, report.remaining);
    m.publishStoredMetrics();
  }
}
