import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BronzeBatchReport } from '../../pipeline/bronze/bronze-writer.js';
import type { CompactionReport } from '../../pipeline/bronze/tick-compactor.js';
import { METRICS_NAMESPACE } from '../metrics.js';

/**
 * EMF metrics of the bronze layer (namespace `Tickflow`, `service` = bronze or compactor). `StagedBacklog`
 * and `UnreadableStagedObjects` are the ones to alarm on: compaction falling behind, or a poison object.
 */
export class BronzeMetricsPublisher {
  private readonly metrics: Metrics;

  constructor(serviceName: string) {
    this.metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  }

  publishBatch(report: BronzeBatchReport): void {
    const m = this.metrics;
    m.addMetric('Records', MetricUnit.Count, report.records);
    m.addMetric('BronzeTicks', MetricUnit.Count, report.ticks);
    m.addMetric('BronzeInvalid', MetricUnit.Count, report.invalid);
    m.addMetric('BronzeUnpartitionable', MetricUnit.Count, report.unpartitionable);
    m.addMetric('StagedObjectsWritten', MetricUnit.Count, report.stagedKeys.length);
    m.publishStoredMetrics();
  }

  publishCompaction(report: CompactionReport): void {
    const m = this.metrics;
    m.addMetric('StagedObjectsConsumed', MetricUnit.Count, report.stagedFiles);
    m.addMetric('CompactionRowsIn', MetricUnit.Count, report.rowsIn);
    m.addMetric('CompactionRowsOut', MetricUnit.Count, report.rowsOut);
    m.addMetric('CompactedFilesWritten', MetricUnit.Count, report.filesWritten);
    m.addMetric('CompactionDuplicatesDropped', MetricUnit.Count, report.duplicatesDropped);
    m.addMetric('UnreadableStagedObjects', MetricUnit.Count, report.unreadable.length);
    m.addMetric('StagedBacklog', MetricUnit.Count, report.remaining);
    m.publishStoredMetrics();
  }
}
