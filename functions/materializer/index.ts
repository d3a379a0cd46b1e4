import { BatchMetricsPublisher } from '../../shared/adapters/metrics.js';
import {
  pipelineOptionsFromEnv,
  servingSinkFromEnv,
  wirePipeline,
} from '../../shared/adapters/pipeline-wiring.js';
import { utcDate } from '../../shared/lake/index.js';

const options = pipelineOptionsFromEnv();
// The idle flush closes bars too: their final values go to the serving store like the aggregator's.
const pipeline = wirePipeline({ ...options, serving: await servingSinkFromEnv() });
const metrics = new BatchMetricsPublisher('materializer');

/**
 * Scheduled every minute: closes the windows of symbols that went quiet (idle flush by processing
 * time), then rewrites the lake partitions that changed since the previous run.
 */
export async function handler(): Promise<{ flushedSymbols: number; partitions: number; rows: number }> {
  const flush = await pipeline.service.flushIdle(options.idleTimeoutMs);
  metrics.publish(flush);
  const now = Date.now();
  const lake = await pipeline.materializer.materialize([utcDate(now - 86_400_000), utcDate(now)]);
  return { flushedSymbols: flush.stateWrites, partitions: lake.partitions, rows: lake.rows };
}
