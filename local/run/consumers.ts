import { createAggregatorHandler } from '../../functions/aggregator/handler.js';
import { createBronzeHandler } from '../../functions/bronze/handler.js';
import type { EventSourceMappingSettings } from '../../infra/config.js';
import type { LambdaSizing } from '../../infra/cost-inventory.js';
import type { AggregationService, BatchReport } from '../../shared/pipeline/aggregation-service.js';
import type { BronzeWriter } from '../../shared/pipeline/bronze/bronze-writer.js';
import type { FailureDestination } from './discarded.js';
import type { RunMeter } from './metering.js';
import { LOCAL_RUN_DEFAULTS } from './options.js';
import type { LocalStream, RunningConsumer } from './stream.js';

export interface ConsumersDeps {
  readonly stream: LocalStream;
  readonly mapping: EventSourceMappingSettings;
  readonly aggregation: AggregationService;
  readonly bronze: BronzeWriter;
  /** Told about every batch the aggregator applied (the run's totals and progress). */
  readonly onReport: (report: BatchReport) => void;
  readonly destination: FailureDestination;
  readonly meter: RunMeter;
  readonly sizing: LambdaSizing;
  /** Seed of the re-split of retried batches; absent without chaos. */
  readonly chaosSeed?: number;
}

/** The stream's consumers as deployed: the aggregator and the bronze writer. */
export interface Consumers {
  readonly aggregator: RunningConsumer;
  readonly bronze: RunningConsumer;
  /** Resolves once both have consumed everything on the stream. */
  waitUntilIdle(): Promise<void>;
  /** Records both sent to the on-failure destination. */
  recordsToDestination(): number;
  stop(): Promise<void>;
}

/**
 * Starts the two consumers of the tick stream through the deployed functions' handlers
 * (`functions/aggregator/handler.ts`, `functions/bronze/handler.ts`), each on an event source
 * mapping with the deployed settings. A consumer that fails to start stops the ones started before.
 */
export async function startConsumers(deps: ConsumersDeps): Promise<Consumers> {
  const started: RunningConsumer[] = [];
  const common = {
    mapping: deps.mapping,
    retryBackoff: LOCAL_RUN_DEFAULTS.retryBackoff,
  };
  try {
    const aggregator = await deps.stream.consume({
      ...common,
      functionName: 'tickflow-aggregator',
      handler: createAggregatorHandler(deps.aggregation, deps.onReport),
      chaosSeed: deps.chaosSeed,
      onFailure: (record) => deps.destination.send('aggregator', record),
      onBatch: (outcome) => deps.meter.invoked(outcome.durationMs, deps.sizing.aggregatorMb),
    });
    started.push(aggregator);
    // The second consumer: raw valid ticks to staging, compacted into the bronze lake at the end.
    const bronze = await deps.stream.consume({
      ...common,
      functionName: 'tickflow-bronze',
      handler: createBronzeHandler({ writer: deps.bronze }),
      chaosSeed: deps.chaosSeed === undefined ? undefined : deps.chaosSeed + 1,
      onFailure: (record) => deps.destination.send('bronze', record),
      onBatch: (outcome) => deps.meter.invoked(outcome.durationMs, deps.sizing.bronzeMb),
    });
    started.push(bronze);
    return {
      aggregator,
      bronze,
      waitUntilIdle: async () => {
        await Promise.all(started.map((c) => c.waitUntilIdle()));
      },
      recordsToDestination: () => aggregator.stats.recordsToDestination + bronze.stats.recordsToDestination,
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function stopAll(consumers: readonly RunningConsumer[]): Promise<void> {
  for (const c of consumers) await c.stop();
}
