import type { LambdaSizing } from '../../infra/cost-inventory.js';
import type { Bronze } from '../../shared/adapters/bronze/index.js';
import type { AggregationService, BatchReport } from '../../shared/pipeline/aggregation-service.js';
import type { CompactionReport } from '../../shared/pipeline/bronze/tick-compactor.js';
import type { LakeMaterializer } from '../../shared/pipeline/lake-materializer.js';
import { markerDates } from '../../shared/pipeline/lake-materializer.js';
import type { RunMeter } from './metering.js';
import { retrying } from './retry.js';

/**
 * The end of a replay: every symbol's open windows closed (the stream is over, nothing more can
 * arrive). Retried until it passes: the flush is idempotent.
 */
export function flushAll(service: AggregationService): Promise<BatchReport> {
  return retrying(() => service.flushAll());
}

/**
 * The scheduled functions' last round, each timed as one invocation: the materializer writes the
 * lake's changed partitions, the compactor folds the staged bronze ticks into hourly files. Returns the
 * compaction's report and the wall time of each step.
 */
export async function materializeAndCompact(deps: {
  readonly materializer: LakeMaterializer;
  readonly compactor: Bronze['compactor'];
  readonly meter: RunMeter;
  readonly sizing: LambdaSizing;
}): Promise<{ compaction: CompactionReport; materializeMs: number; compactMs: number }> {
  const { meter, sizing } = deps;
  const started = performance.now();
  await retrying(() =>
    meter.asInvocation(sizing.materializerMb, () => deps.materializer.materialize(markerDates())),
  );
  const compacting = performance.now();
  const compaction = await retrying(() => meter.asInvocation(sizing.compactorMb, () => deps.compactor.run()));
  return { compaction, materializeMs: compacting - started, compactMs: performance.now() - compacting };
}
