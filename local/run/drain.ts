import type { LambdaSizing } from '../../infra/cost-inventory.js';
import type { AggregationService, BatchReport } from '../../shared/pipeline/aggregation-service.js';
import type { LakeMaterializer } from '../../shared/pipeline/lake-materializer.js';
import { markerDates } from '../../shared/pipeline/lake-materializer.js';
import type { CompactionRuns } from './compaction.js';
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
 * lake's changed partitions, the compactor folds what is still staged of the bronze ticks into hourly
 * files. Returns the wall time of each step.
 */
export async function materializeAndCompact(deps: {
  readonly materializer: LakeMaterializer;
  readonly compaction: CompactionRuns;
  readonly meter: RunMeter;
  readonly sizing: LambdaSizing;
}): Promise<{ materializeMs: number; compactMs: number }> {
  const { meter, sizing } = deps;
  const started = performance.now();
  await retrying(() =>
    meter.asInvocation(sizing.materializerMb, () => deps.materializer.materialize(markerDates())),
  );
  const compacting = performance.now();
  await deps.compaction.run();
  return { materializeMs: compacting - started, compactMs: performance.now() - compacting };
}
