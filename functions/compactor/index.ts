import {
  BronzeMetricsPublisher,
  compactionOptionsFromEnv,
  lakeBucketFromEnv,
  wireBronze,
} from '../../shared/adapters/bronze/index.js';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import type { CompactionReport } from '../../shared/pipeline/bronze/tick-compactor.js';

// Created once per execution environment and reused across invocations.
const bronze = wireBronze({ lakeBucket: lakeBucketFromEnv(), compaction: compactionOptionsFromEnv() });
const metrics = new BronzeMetricsPublisher(METRIC_SERVICES.compactor);

/**
 * Scheduled (reserved concurrency 1): folds the staged bronze objects into the hourly tick files.
 * A failure throws; the next scheduled run repairs whatever the failed one left (see TickCompactor).
 */
export async function handler(): Promise<CompactionReport> {
  const report = await bronze.compactor.run();
  metrics.publishCompaction(report);
  return report;
}
