/**
 * The one typed configuration of the CDK app. Names and engine defaults come from `shared/config.ts`
 * so a local run and `cdk deploy` agree; everything else is an AWS knob with a default that is safe
 * for a first deployment (one shard, bounded retries, alarms on).
 *
 * Override from the CLI with a JSON context value, e.g.
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
import { InfraConfigError } from './errors.js';

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
  /** GetRecords.IteratorAgeMilliseconds / Lambda IteratorAge maximum that pages someone. */
  readonly iteratorAgeMs: number;
  /** Function errors per 5 minutes. */
  readonly functionErrors: number;
  /** Function throttles per 5 minutes. */
  readonly functionThrottles: number;
  /** Visible messages in a dead-letter queue. */
  readonly dlqDepth: number;
  /** LateTicks / ValidTicks over 5 minutes; a late tick counts once per interval it missed, so this can exceed 1. */
  readonly lateRatio: number;
  /** Duplicates / ValidTicks over 5 minutes, as a fraction. */
  readonly duplicateRatio: number;
}

/** The serving store (Amazon Keyspaces) the aggregator writes forming and final bars to. */
export interface ServingConfig {
  /** Create the keyspace and let the aggregator write to it. */
  readonly enabled: boolean;
  /** CQL identifier: letters, digits and _, starting with a letter. */
  readonly keyspaceName: string;
  /** Default TTL of the bars table in seconds (TTL must be on; writers set one per interval). */
  readonly ttlSeconds: number;
  /** Processing time between two forming-bar upserts of one symbol and interval, ms. */
  readonly formingUpsertPeriodMs: number;
}

export interface TickflowConfig {
  /** Resource name prefix passed to `resourceNames`. */
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
  readonly stream: StreamConfig;
  readonly consumer: ConsumerConfig;
  readonly alarms: AlarmConfig;
  readonly serving: ServingConfig;
  /** Days after which lake objects' non-current versions expire. */
  readonly lakeNoncurrentVersionDays: number;
  /** Optional TTL attribute of the outputs table (epoch seconds); none by default. */
  readonly outputsTtlAttribute?: string;
  /** EventBridge cron for the nightly feature run; `undefined` keeps it off. */
  readonly nightlySchedule?: string;
  /** First date (yyyy-MM-dd) of the Glue date partition projection range. */
  readonly lakeStartDate: string;
  /** Minutes of event time per compacted bronze tick file, a divisor of 60 (see Compactor). */
  readonly bronzeFileMinutes: number;
}

export const DEFAULT_CONFIG: TickflowConfig = {
  prefix: 'tickflow',
  intervals: DEFAULT_INTERVALS,
  allowedLatenessMs: DEFAULT_ALLOWED_LATENESS_MS,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  eventTimeFromMs: DEFAULT_EVENT_TIME_FROM_MS,
  eventTimeToMs: DEFAULT_EVENT_TIME_TO_MS,
  maxFutureSkewMs: DEFAULT_MAX_FUTURE_SKEW_MS,
  stream: { shards: 1, retentionHours: 24 },
  consumer: {
    batchSize: 500,
    maxBatchingWindowSeconds: 1,
    parallelizationFactor: 1,
    maxRetryAttempts: 10,
    maxRecordAgeSeconds: 6 * 3600,
    memoryMb: 1024,
    timeoutSeconds: 60,
  },
  alarms: {
    iteratorAgeMs: 60_000,
    functionErrors: 1,
    functionThrottles: 1,
    dlqDepth: 1,
    lateRatio: 0.01,
    duplicateRatio: 0.05,
  },
  serving: {
    enabled: true,
    keyspaceName: DEFAULT_KEYSPACE,
    ttlSeconds: DEFAULT_TTL_S,
    formingUpsertPeriodMs: DEFAULT_FORMING_UPSERT_PERIOD_MS,
  },
  lakeNoncurrentVersionDays: 30,
  nightlySchedule: undefined,
  lakeStartDate: '2020-01-01',
  bronzeFileMinutes: 60,
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
  Omit<TickflowConfig, 'stream' | 'consumer' | 'alarms' | 'serving'>
> & {
  readonly stream?: Partial<StreamConfig>;
  readonly consumer?: Partial<ConsumerConfig>;
  readonly alarms?: Partial<AlarmConfig>;
  readonly serving?: Partial<ServingConfig>;
};

/** Defaults, then the user's values; the constructs validate the merged values. */
export function resolveConfig(overrides: TickflowConfigOverrides = {}): TickflowConfig {
  return {
    ...DEFAULT_CONFIG,
    ...overrides,
    stream: { ...DEFAULT_CONFIG.stream, ...overrides.stream },
    consumer: { ...DEFAULT_CONFIG.consumer, ...overrides.consumer },
    alarms: { ...DEFAULT_CONFIG.alarms, ...overrides.alarms },
    serving: { ...DEFAULT_CONFIG.serving, ...overrides.serving },
  };
}

/**
 * Reads the `tickflow` context value (an object from cdk.json, or a JSON string from `-c`) and
 * resolves it against the defaults.
 */
export function configFromContext(value: unknown): TickflowConfig {
  if (value === undefined || value === null) return resolveConfig();
  const parsed = typeof value === 'string' ? parseJsonContext(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InfraConfigError('tickflow', value, 'pass an object, e.g. -c tickflow=\'{"prefix":"dev"}\'');
  }
  return resolveConfig(parsed as TickflowConfigOverrides);
}

function parseJsonContext(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InfraConfigError('tickflow', text, 'the context value must be valid JSON');
  }
}
