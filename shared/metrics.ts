/**
 * The metrics contract, written once: the CloudWatch namespace, dimensions and metric names the
 * handlers publish as EMF (shared/adapters/metrics.ts, shared/adapters/bronze/metrics.ts) and the
 * CDK app's alarms and dashboard read (infra/constructs/monitoring.ts, compactor.ts). Renaming a
 * metric here renames it on both sides; `test/infra/metrics-contract.test.ts` checks that every
 * metric an alarm or the dashboard reads is one a publisher emits.
 */

/** The namespace's root; each environment publishes under its own child (see {@link metricsNamespace}). */
export const METRICS_NAMESPACE_ROOT = 'Tickflow';

/**
 * The CloudWatch namespace of one environment's metrics, `Tickflow/<prefix>`: the CDK app sets it in
 * every handler's environment (`POWERTOOLS_METRICS_NAMESPACE`) and its alarms and dashboard read it, so
 * two environments in one account and region never feed each other's alarms.
 *
 * @example metricsNamespace('tickflow-prod') // 'Tickflow/tickflow-prod'
 */
export function metricsNamespace(prefix: string): string {
  return `${METRICS_NAMESPACE_ROOT}/${prefix}`;
}

/** Powertools' default dimension: the publishing handler (`POWERTOOLS_SERVICE_NAME`). */
export const SERVICE_DIMENSION = 'service';

/** Second dimension of the aggregator's per-interval document (bars and late ticks per interval label). */
export const INTERVAL_DIMENSION = 'Interval';

/** The `service` dimension value of each publishing handler. */
export const METRIC_SERVICES = {
  aggregator: 'aggregator',
  bronze: 'bronze',
  compactor: 'compactor',
  materializer: 'materializer',
  /** `tickflow produce --exchange`: a long-running process, not a Lambda function. */
  producer: 'producer',
} as const;

export type MetricService = (typeof METRIC_SERVICES)[keyof typeof METRIC_SERVICES];

/** The aggregator's metrics, one set per batch (BarsEmitted and LateTicks also per interval). */
export const AGGREGATOR_METRICS = {
  records: 'Records',
  validTicks: 'ValidTicks',
  ticksPerSecond: 'TicksPerSecond',
  quarantined: 'Quarantined',
  duplicates: 'Duplicates',
  replayedRecords: 'ReplayedRecords',
  lateTicks: 'LateTicks',
  barsEmitted: 'BarsEmitted',
  stateWrites: 'StateWrites',
  stateConflicts: 'StateConflicts',
  /** Symbols whose state could not be used; their ticks were quarantined (docs/stream-contract.md). */
  unusableStates: 'UnusableStates',
  failedSymbols: 'FailedSymbols',
  watermarkLagMs: 'WatermarkLagMs',
} as const;

/** The materializer's idle flush: watermark marks put on the stream by one run. */
export const MATERIALIZER_METRICS = {
  idleWatermarks: 'IdleWatermarks',
} as const;

/** Dimension of the exchange feed's metrics: the venue (`binance`, `coinbase`). */
export const VENUE_DIMENSION = 'Venue';

/**
 * The exchange feed's metrics (shared/adapters/exchange-feed.ts), one EMF document per event on the
 * producer's log (stderr): a gap in a symbol's trade ids, a reconnect, a frame that was not a message.
 */
export const PRODUCER_METRICS = {
  feedGaps: 'FeedGaps',
  feedMissingTrades: 'FeedMissingTrades',
  feedReconnects: 'FeedReconnects',
  feedMalformedFrames: 'FeedMalformedFrames',
} as const;

/** The bronze writer's metrics, one set per batch. */
export const BRONZE_METRICS = {
  records: 'Records',
  bronzeTicks: 'BronzeTicks',
  bronzeInvalid: 'BronzeInvalid',
  bronzeUnpartitionable: 'BronzeUnpartitionable',
  stagedObjectsWritten: 'StagedObjectsWritten',
} as const;

/** The compactor's metrics, one set per run. `StagedBacklog` and `UnreadableStagedObjects` page someone. */
export const COMPACTOR_METRICS = {
  stagedObjectsConsumed: 'StagedObjectsConsumed',
  compactionRowsIn: 'CompactionRowsIn',
  compactionRowsOut: 'CompactionRowsOut',
  compactedFilesWritten: 'CompactedFilesWritten',
  compactionDuplicatesDropped: 'CompactionDuplicatesDropped',
  /** Staged objects left in place because they cannot be read: a poison object needs a human. */
  unreadableStagedObjects: 'UnreadableStagedObjects',
  /** Staged objects a run left for the next one: compaction is falling behind. */
  stagedBacklog: 'StagedBacklog',
} as const;
