/**
 * The one typed configuration of the CDK app. Names and engine defaults come from `shared/config.ts`
 * so a local run and `cdk deploy` agree; everything else is an AWS knob with a default that is safe
 * for a first deployment (one shard, bounded retries, alarms on).
 *
 * A team keeps one environment file per deployment in git (`infra/environments/<name>.json`, see
 * infra/environments.ts and docs/configuration.md, which documents every setting); a JSON context value
 * overrides it for one command, e.g.
 * `cdk synth -c tickflow='{"stream":{"shards":"ON_DEMAND"},"consumer":{"parallelizationFactor":4}}'`.
 */

import { DEFAULT_KEYSPACE, DEFAULT_TTL_S } from '../shared/adapters/serving/config.js';
import {
  DEFAULT_ALLOWED_LATENESS_MS,
  DEFAULT_EVENT_TIME_FROM_MS,
  DEFAULT_EVENT_TIME_TO_MS,
  DEFAULT_FORMING_UPSERT_PERIOD_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_INTERVALS,
  DEFAULT_MAX_FUTURE_SKEW_MS,
} from '../shared/config.js';
import {
  AlertConfigError,
  DEFAULT_MARKET_ALERT_CONFIG,
  type MarketAlertConfig,
  mergeAlertConfig,
  type PartialAlertConfig,
} from '../shared/domain/market-alerts/index.js';
import { DEFAULT_PART_ROWS } from '../shared/pipeline/bronze/tick-parts.js';
import { InfraConfigError } from './errors.js';
import { DEFAULT_SOURCE, parseSource, type SourceConfig, type SourceSetting } from './kafka-source.js';

/** Handler environment variable names live in `shared/config.ts` (handlers read them); re-exported here. */
export { HANDLER_ENV } from '../shared/config.js';

/** Provisioned shard count, or `'ON_DEMAND'` to let Kinesis scale the stream. */
export type ShardCapacity = number | 'ON_DEMAND';

export interface StreamConfig {
  readonly shards: ShardCapacity;
  readonly retentionHours: number;
}

/** Kinesis event source mapping and function sizing shared by the stream consumers. */
export interface ConsumerConfig {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly parallelizationFactor: number;
  readonly maxRetryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface AlarmConfig {
  /** Lambda IteratorAge maximum that pages someone (Kinesis source). */
  readonly iteratorAgeMs: number;
  /**
   * Lambda OffsetLag maximum that pages someone (Kafka source): records of the topic the consumer's
   * group has not processed yet. Lambda publishes no IteratorAge for Kafka, so this replaces
   * `iteratorAgeMs` there; it counts records, not time.
   */
  readonly offsetLagRecords: number;
  /** Function errors per 5 minutes. */
  readonly functionErrors: number;
  /** Function throttles per 5 minutes. */
  readonly functionThrottles: number;
  /** Batches the stream consumers gave up on (written to the on-failure bucket) per 5 minutes. */
  readonly failedBatches: number;
  /** LateTicks / ValidTicks over 5 minutes; a late tick counts once per interval it missed, so this can exceed 1. */
  readonly lateRatio: number;
  /** Duplicates / ValidTicks over 5 minutes, as a fraction. */
  readonly duplicateRatio: number;
  /** Symbols left for retry by partial batch failures (the aggregator's FailedSymbols) per 5 minutes. */
  readonly failedSymbols: number;
  /**
   * Processing time minus a symbol's watermark (the aggregator's WatermarkLagMs maximum), ms, for 3
   * periods of 5 minutes; it is at least the allowed lateness, so it must be above it.
   */
  readonly watermarkLagMs: number;
  /**
   * Minutes without ticks before the heartbeat alarm fires (on Kinesis no record put on the stream,
   * IncomingRecords; on Kafka no valid tick applied by the aggregator, its ValidTicks); `0` leaves
   * the heartbeat out, e.g. for a market that is quiet on weekends.
   */
  readonly noTicksMinutes: number;
}

/** Who hears about alarms: subscriptions of the alarm topic. */
export interface AlertsConfig {
  /** Email addresses (each must confirm the subscription from the mail SNS sends). */
  readonly emails: readonly string[];
  /** HTTPS endpoints (a pager's or chat tool's webhook; SNS asks each to confirm). */
  readonly httpsEndpoints: readonly string[];
  /** Create an encrypted SQS queue subscribed to the topic, for tooling; its URL is an output. */
  readonly queue: boolean;
}

/** The serving store (Amazon Keyspaces) the aggregator writes forming and final bars to. */
export interface ServingConfig {
  /** Create the keyspace and let the aggregator write to it. */
  readonly enabled: boolean;
  /**
   * CQL identifier: letters, digits and _, starting with a letter, at most 48.
   * @default the prefix with `-` as `_` (`tickflow-dev` → `tickflow_dev`), so environments never share one
   */
  readonly keyspaceName: string;
  /** Default TTL of the bars table in seconds (TTL must be on; writers set one per interval). */
  readonly ttlSeconds: number;
  /** Processing time between two forming-bar upserts of one symbol and interval, ms. */
  readonly formingUpsertPeriodMs: number;
}

export interface TickflowConfig {
  /**
   * Prefix of every physical name (stream, tables, bucket, keyspace, workgroup, Glue database,
   * dashboard); see {@link PREFIX_RULE}.
   */
  readonly prefix: string;
  readonly intervals: readonly string[];
  readonly allowedLatenessMs: number;
  /**
   * Event-time horizon of trade-id dedup.
   * @default the allowed lateness (a retry of any tick that can still reach a window is dropped)
   */
  readonly dedupHorizonMs?: number;
  readonly idleTimeoutMs: number;
  /** Accepted event times [eventTimeFromMs, eventTimeToMs), epoch ms; ticks outside are quarantined. */
  readonly eventTimeFromMs: number;
  readonly eventTimeToMs: number;
  /**
   * The aggregator quarantines ticks stamped more than this far ahead of their arrival in Kinesis;
   * `'off'` only for a stream that carries historical data (a replay through the deployed stack).
   */
  readonly maxFutureSkewMs: number | 'off';
  /**
   * Where the ticks come from: the stack's Kinesis stream (`stream` sizes it), or a Kafka topic on an
   * Amazon MSK or self-managed cluster (see infra/kafka-source.ts).
   */
  readonly source: SourceConfig;
  readonly stream: StreamConfig;
  readonly consumer: ConsumerConfig;
  readonly alarms: AlarmConfig;
  readonly alerts: AlertsConfig;
  readonly serving: ServingConfig;
  /**
   * Create the CloudWatch dashboard `<prefix>-<region>` ($3 a month beyond an account's first three).
   * Off, every alarm stays, and `tickflow status` and `tickflow report` are the free views.
   */
  readonly dashboard: boolean;
  /**
   * Minutes between runs of the scheduled idle flush and lake materializer (1–60). Each run rewrites
   * every lake partition that got bars since the last, so fewer runs mean fewer S3 PUTs; the lake and
   * the closes of quiet symbols lag by up to this much (the outputs table and the serving store get
   * bars as they close).
   */
  readonly materializerMinutes: number;
  /**
   * Minutes between runs of the scheduled bronze compactor (1–60). Each run rewrites the open part of
   * every symbol's current hour file, so fewer runs mean fewer S3 PUTs and less Lambda time; the compacted
   * `ticks/` layer (backfill's source) lags the stream by up to this much, the staged objects hold the rest.
   */
  readonly compactorMinutes: number;
  /** Days after which lake objects' non-current versions expire. */
  readonly lakeNoncurrentVersionDays: number;
  /**
   * Days an item of the outputs table (closed bars, late ticks, quarantined records and the
   * materializer's markers) stays after it is written; DynamoDB then expires it by TTL. The lake keeps
   * them: the materializer merges a partition's file with the table once items may have expired.
   */
  readonly outputsRetentionDays: number;
  /** EventBridge cron for the nightly feature run; `undefined` keeps it off. */
  readonly nightlySchedule?: string;
  /** First date (yyyy-MM-dd) of the Glue date partition projection range. */
  readonly lakeStartDate: string;
  /** Minutes of event time per compacted bronze tick file, a divisor of 60 (see Compactor). */
  readonly bronzeFileMinutes: number;
  /** Rows per part of a compacted bronze tick file (see Compactor `partRows`). */
  readonly bronzePartRows: number;
  /**
   * Market alerts (docs/market-alerts.md): the materializer scans the closed bars of `interval` it
   * rewrote each round (every `materializerMinutes`) and publishes each alert to the alarm topic once; `'off'` leaves them out.
   */
  readonly marketAlerts: MarketAlertConfig | 'off';
}

export const DEFAULT_CONFIG: TickflowConfig = {
  prefix: 'tickflow',
  intervals: DEFAULT_INTERVALS,
  allowedLatenessMs: DEFAULT_ALLOWED_LATENESS_MS,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  eventTimeFromMs: DEFAULT_EVENT_TIME_FROM_MS,
  eventTimeToMs: DEFAULT_EVENT_TIME_TO_MS,
  maxFutureSkewMs: DEFAULT_MAX_FUTURE_SKEW_MS,
  source: DEFAULT_SOURCE,
  stream: { shards: 1, retentionHours: 24 },
  consumer: {
    batchSize: 500,
    maxBatchingWindowSeconds: 20,
    parallelizationFactor: 1,
    maxRetryAttempts: 10,
    maxRecordAgeSeconds: 6 * 3600,
    memoryMb: 1024,
    timeoutSeconds: 60,
  },
  alarms: {
    iteratorAgeMs: 60_000,
    // A minute of ticks at 1,000 a second (what one Kinesis shard takes): the minute iteratorAgeMs allows.
    offsetLagRecords: 60_000,
    functionErrors: 1,
    functionThrottles: 1,
    failedBatches: 1,
    lateRatio: 0.01,
    duplicateRatio: 0.05,
    failedSymbols: 1,
    watermarkLagMs: 15 * 60_000,
    noTicksMinutes: 0,
  },
  alerts: { emails: [], httpsEndpoints: [], queue: false },
  serving: {
    enabled: true,
    keyspaceName: DEFAULT_KEYSPACE,
    ttlSeconds: DEFAULT_TTL_S,
    formingUpsertPeriodMs: DEFAULT_FORMING_UPSERT_PERIOD_MS,
  },
  dashboard: false,
  materializerMinutes: 5,
  compactorMinutes: 15,
  lakeNoncurrentVersionDays: 30,
  outputsRetentionDays: 30,
  nightlySchedule: undefined,
  lakeStartDate: '2020-01-01',
  bronzeFileMinutes: 60,
  bronzePartRows: DEFAULT_PART_ROWS,
  marketAlerts: DEFAULT_MARKET_ALERT_CONFIG,
};

/**
 * A stream consumer's event source mapping in Lambda's terms (CreateEventSourceMapping): what the
 * `StreamConsumer` construct deploys and what the local run's event source mapping runs with, so
 * the two cannot drift apart.
 */
export interface EventSourceMappingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly parallelizationFactor: number;
  /** Split a failing batch in two and retry each half. */
  readonly bisectBatchOnFunctionError: true;
  /** The handlers answer with partial batch failures (FunctionResponseTypes ReportBatchItemFailures). */
  readonly reportBatchItemFailures: true;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeSeconds: number;
}

/** The event source mapping of a consumer with these settings (the safety switches are always on). */
export function eventSourceMapping(
  consumer: ConsumerConfig = DEFAULT_CONFIG.consumer,
): EventSourceMappingSettings {
  return {
    batchSize: consumer.batchSize,
    maximumBatchingWindowMs: consumer.maxBatchingWindowSeconds * 1000,
    parallelizationFactor: consumer.parallelizationFactor,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
    maximumRetryAttempts: consumer.maxRetryAttempts,
    maximumRecordAgeSeconds: consumer.maxRecordAgeSeconds,
  };
}

/** A partial override of {@link TickflowConfig}, one level deep for the nested groups. */
export type TickflowConfigOverrides = Partial<
  Omit<TickflowConfig, 'source' | 'stream' | 'consumer' | 'alarms' | 'alerts' | 'serving' | 'marketAlerts'>
> & {
  readonly source?: SourceSetting;
  /** Over the defaults: `interval` and `classes` replace them, `defaults` override threshold by threshold. */
  readonly marketAlerts?: PartialAlertConfig | 'off';
  readonly stream?: Partial<StreamConfig>;
  readonly consumer?: Partial<ConsumerConfig>;
  readonly alarms?: Partial<AlarmConfig>;
  readonly alerts?: Partial<AlertsConfig>;
  readonly serving?: Partial<ServingConfig>;
};

/**
 * What a prefix may be: it ends up in an S3 bucket name (`<prefix>-lake-<account>-<region>`, at most
 * 63 characters, lowercase), a keyspace name (`-` becomes `_`), stream, table and workgroup names.
 */
export const PREFIX_RULE = {
  pattern: /^[a-z][a-z0-9-]{1,26}[a-z0-9]$/,
  text: '3-28 characters: lowercase letters, digits and -, starting with a letter and ending with a letter or digit',
};

/** The keyspace an environment gets unless it names one: the prefix with `-` as `_`. */
export function keyspaceOf(prefix: string): string {
  return prefix.replace(/-/g, '_');
}

/** Defaults, then the user's values; the constructs validate the merged values. */
export function resolveConfig(overrides: TickflowConfigOverrides = {}): TickflowConfig {
  const prefix = overrides.prefix ?? DEFAULT_CONFIG.prefix;
  if (typeof prefix !== 'string' || !PREFIX_RULE.pattern.test(prefix) || prefix.includes('--')) {
    throw new InfraConfigError('prefix', prefix, `use ${PREFIX_RULE.text}, without "--"`);
  }
  const intervals = overrides.intervals ?? DEFAULT_CONFIG.intervals;
  return {
    ...DEFAULT_CONFIG,
    ...overrides,
    source: overrides.source === undefined ? DEFAULT_SOURCE : parseSource(overrides.source),
    marketAlerts: resolveMarketAlerts(overrides.marketAlerts, intervals),
    stream: { ...DEFAULT_CONFIG.stream, ...overrides.stream },
    consumer: { ...DEFAULT_CONFIG.consumer, ...overrides.consumer },
    alarms: { ...DEFAULT_CONFIG.alarms, ...overrides.alarms },
    alerts: { ...DEFAULT_CONFIG.alerts, ...overrides.alerts },
    serving: { ...DEFAULT_CONFIG.serving, keyspaceName: keyspaceOf(prefix), ...overrides.serving },
  };
}

/** The market-alert setting over the defaults, checked: thresholds in range, a tumbling interval the stack computes. */
function resolveMarketAlerts(
  value: PartialAlertConfig | 'off' | undefined,
  intervals: readonly string[],
): MarketAlertConfig | 'off' {
  if (value === 'off') return 'off';
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InfraConfigError(
      'marketAlerts',
      value,
      'use an object of interval, defaults, classes, or "off"',
    );
  }
  let config: MarketAlertConfig;
  try {
    config = mergeAlertConfig(value ?? {});
  } catch (err) {
    if (!(err instanceof AlertConfigError)) throw err;
    throw new InfraConfigError(`marketAlerts.${err.setting}`, err.value, `use ${err.expected}, or "off"`);
  }
  if (!intervals.includes(config.interval) || config.interval.includes('_')) {
    throw new InfraConfigError(
      'marketAlerts.interval',
      config.interval,
      `use a tumbling interval the stack computes (intervals: ${intervals.join(', ')})`,
    );
  }
  // It travels as one environment variable, and Lambda allows 4 KB for all of them together.
  const size = JSON.stringify(config).length;
  if (size > MAX_MARKET_ALERTS_JSON) {
    throw new InfraConfigError(
      'marketAlerts.classes',
      `${config.classes.length} classes`,
      `the settings take ${size} characters as JSON, more than the ${MAX_MARKET_ALERTS_JSON} the materializer's environment has room for: use fewer classes or wider symbol patterns`,
    );
  }
  return config;
}

const MAX_MARKET_ALERTS_JSON = 2_000;

/**
 * Refuses a setting the config does not have (a typo would otherwise be ignored silently), naming it
 * with its path, e.g. `alarms.iteratorAge`.
 */
export function requireKnownSettings(overrides: object, path = ''): void {
  const known = path === '' ? DEFAULT_CONFIG : (DEFAULT_CONFIG as unknown as Record<string, object>)[path];
  for (const [key, value] of Object.entries(overrides)) {
    const name = path ? `${path}.${key}` : key;
    if (!(key in (known as object)) && !(path === '' && OPTIONAL_SETTINGS.includes(key))) {
      throw new InfraConfigError(
        name,
        value,
        'no such setting; see docs/configuration.md for the settings there are',
      );
    }
    if (path === '' && NESTED_SETTINGS.includes(key)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new InfraConfigError(name, value, 'use an object of settings');
      }
      requireKnownSettings(value, key);
    }
  }
}

const NESTED_SETTINGS = ['stream', 'consumer', 'alarms', 'alerts', 'serving'];
/** Top-level settings whose default is "not set" (absent from DEFAULT_CONFIG's keys). */
const OPTIONAL_SETTINGS = ['dedupHorizonMs', 'nightlySchedule'];

/**
 * Reads the `tickflow` context value (an object, or a JSON string from `-c`) as settings over the
 * defaults; unknown settings are refused.
 */
export function configFromContext(value: unknown): TickflowConfig {
  return resolveConfig(overridesFromContext(value));
}

/** The `tickflow` context value as settings, checked for unknown names; none when it is not set. */
export function overridesFromContext(value: unknown): TickflowConfigOverrides {
  if (value === undefined || value === null) return {};
  const parsed = typeof value === 'string' ? parseJsonContext(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InfraConfigError(
      'tickflow (context)',
      value,
      'pass an object, e.g. -c tickflow=\'{"prefix":"dev"}\'',
    );
  }
  requireKnownSettings(parsed);
  return parsed as TickflowConfigOverrides;
}

function parseJsonContext(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InfraConfigError('tickflow (context)', text, 'the context value must be valid JSON');
  }
}
