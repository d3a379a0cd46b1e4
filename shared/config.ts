/**
 * One place for resource names and pipeline defaults, shared by the CDK app, the Lambda handlers,
 * the local emulator stack and the CLI, so the local run creates exactly what `cdk deploy` creates.
 */

export const DEFAULT_INTERVALS = ['1m', '5m', '15m', '1h', '1d', '5m_1m'] as const;
export const DEFAULT_ALLOWED_LATENESS_MS = 10 * 60_000;
/** Processing time a symbol may stay quiet before its watermark is advanced by the clock (live mode). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/**
 * Processing time between two forming-bar upserts of one symbol and interval to the serving store
 * (final bars are written as they close). Each upsert is a conditional write (a lightweight
 * transaction on Keyspaces), so this bounds the serving store's cost whatever the tick rate.
 */
export const DEFAULT_FORMING_UPSERT_PERIOD_MS = 10_000;
/**
 * Plausible event times (README, "The stream contract"): a tick's `ts` must lie in
 * [DEFAULT_EVENT_TIME_FROM_MS, DEFAULT_EVENT_TIME_TO_MS) unless configured otherwise, so a
 * timestamp written in seconds, microseconds or nanoseconds is quarantined instead of opening
 * windows in 1970 or in the year 58,000.
 */
export const DEFAULT_EVENT_TIME_FROM_MS = Date.UTC(2000, 0, 1);
export const DEFAULT_EVENT_TIME_TO_MS = Date.UTC(2100, 0, 1);
/**
 * Live mode: how far a tick's `ts` may be ahead of its record's arrival time in Kinesis before it is
 * quarantined, so one producer with a bad clock cannot push a symbol's watermark into the future.
 */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;

export interface ResourceNames {
  /** Kinesis stream of raw ticks. */
  readonly tickStream: string;
  /** DynamoDB table of per-symbol aggregation state (pk `symbol`). */
  readonly stateTable: string;
  /** DynamoDB table of the symbols' seen-id logs: the trade ids inside the dedup horizon. */
  readonly seenIdsTable: string;
  /** DynamoDB table of closed bars, late ticks and quarantined records keyed by identity. */
  readonly outputTable: string;
  /** S3 bucket of the lake (bars, ticks, late, quarantine, features). */
  readonly lakeBucket: string;
  /**
   * S3 bucket of the stream consumers' on-failure destination (failed batches, whole). Deployed, CDK
   * names it (the stack output `FailedBatchesBucketName`); this name is the local stack's.
   */
  readonly failedBatchesBucket: string;
}

/** Resource names for a deployment prefix (`tickflow` by default). */
export function resourceNames(prefix = 'tickflow'): ResourceNames {
  return {
    tickStream: `${prefix}-ticks`,
    stateTable: `${prefix}-state`,
    seenIdsTable: `${prefix}-seen-ids`,
    outputTable: `${prefix}-outputs`,
    lakeBucket: `${prefix}-lake`,
    failedBatchesBucket: `${prefix}-failed-batches`,
  };
}

/**
 * Key schemas of the DynamoDB tables; the CDK app and the local stack both create them from here.
 * - state: one item per symbol (`symbol`), holding the aggregator's snapshot, version and last applied sequence number.
 * - seenIds: the trade ids each commit applied (`symbol`, `entry`), expiring by TTL on `expiresAt`.
 * - outputs: closed bars, late ticks and quarantined records, each keyed by its identity (`pk`, `sk`),
 *   expiring by TTL on `expiresAt` once the retention has passed (the lake keeps them).
 */
export const TABLE_KEYS = {
  state: { partitionKey: 'symbol' },
  seenIds: { partitionKey: 'symbol', sortKey: 'entry', ttlAttribute: 'expiresAt' },
  outputs: { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' },
} as const;

/** Environment variables the Lambda handlers read at cold start; the CDK app sets them. */
export const HANDLER_ENV = {
  stateTable: 'TICKFLOW_STATE_TABLE',
  seenIdsTable: 'TICKFLOW_SEEN_IDS_TABLE',
  outputTable: 'TICKFLOW_OUTPUT_TABLE',
  /** Days an outputs item stays in the table after it is written (TTL); unset = kept forever. */
  outputsRetentionDays: 'TICKFLOW_OUTPUTS_RETENTION_DAYS',
  lakeBucket: 'TICKFLOW_LAKE_BUCKET',
  /** The tick stream the idle flush puts watermark marks on. */
  tickStream: 'TICKFLOW_TICK_STREAM',
  /** With a Kafka source: the topic the idle flush puts watermark marks on, instead of the tick stream. */
  kafkaTopic: 'TICKFLOW_KAFKA_TOPIC',
  /** Its bootstrap brokers, `host:port[,host:port…]`. */
  kafkaBootstrap: 'TICKFLOW_KAFKA_BOOTSTRAP',
  /** How the idle flush signs in: `aws-msk-iam`, `scram-sha-256`, `scram-sha-512` or `mtls` (always over TLS). */
  kafkaAuth: 'TICKFLOW_KAFKA_AUTH',
  /** Secrets Manager secret with the SASL credentials or the mTLS client certificate and key. */
  kafkaSecretArn: 'TICKFLOW_KAFKA_SECRET_ARN',
  /** Secrets Manager secret with the brokers' private root CA certificate; unset = the public CAs. */
  kafkaRootCaSecretArn: 'TICKFLOW_KAFKA_ROOT_CA_SECRET_ARN',
  intervals: 'TICKFLOW_INTERVALS',
  allowedLatenessMs: 'TICKFLOW_ALLOWED_LATENESS_MS',
  dedupHorizonMs: 'TICKFLOW_DEDUP_HORIZON_MS',
  idleTimeoutMs: 'TICKFLOW_IDLE_TIMEOUT_MS',
  formingUpsertPeriodMs: 'TICKFLOW_FORMING_UPSERT_PERIOD_MS',
  eventTimeFromMs: 'TICKFLOW_EVENT_TIME_FROM_MS',
  eventTimeToMs: 'TICKFLOW_EVENT_TIME_TO_MS',
  /** Live skew check of the aggregator; `off` turns it off (replays of historical data through a stream). */
  maxFutureSkewMs: 'TICKFLOW_MAX_FUTURE_SKEW_MS',
  /** The market watch's thresholds as JSON (docs/market-alerts.md); unset = no market watch. */
  marketAlerts: 'TICKFLOW_MARKET_ALERTS',
  /** The topic market alerts are published to (the alarm topic). */
  alertTopicArn: 'TICKFLOW_ALERT_TOPIC_ARN',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
