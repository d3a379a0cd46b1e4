import type { Context } from 'aws-lambda';
import type { KafkaEvent } from '../../../shared/adapters/kafka/records.js';
import type { KafkaEventSource } from '../kafka-events.js';
import { InvalidEventSourceMappingError } from '../options.js';
import type { OnFailureEnvelope } from '../types.js';

/**
 * Options of the local Kafka event source mapping, named and bounded like Lambda's
 * CreateEventSourceMapping for Amazon MSK and self-managed Kafka
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html): retries, record age,
 * bisect and partial batch responses are the error handling controls Lambda offers on Kafka
 * mappings in provisioned mode.
 */

/** A Lambda handler for Kafka events, with or without a partial batch response. */
export type KafkaHandler = (event: KafkaEvent, context: Context) => unknown;

export type KafkaStartingPosition = 'TRIM_HORIZON' | 'LATEST';

export interface KafkaEventSourceMappingOptions {
  /** `host:port[,host:port…]` of the cluster. */
  readonly bootstrap: string;
  readonly topic: string;
  readonly handler: KafkaHandler;
  /** The consumer group: Lambda's `ConsumerGroupId` (by default the mapping's UUID). @default `<functionName>-esm` */
  readonly consumerGroupId?: string;
  /** What the events say about their source. @default self-managed at `bootstrap` */
  readonly source?: KafkaEventSource;
  /** Where a new consumer group starts. @default 'TRIM_HORIZON' */
  readonly startingPosition?: KafkaStartingPosition;
  /** Records per invocation, 1–10,000. @default 100 */
  readonly batchSize?: number;
  /** How long a fetch waits for records, 0–300,000 ms (Lambda's Kafka default is 500 ms). @default 500 */
  readonly maximumBatchingWindowMs?: number;
  /** @default false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 (infinite) or 0–10,000. @default -1 */
  readonly maximumRetryAttempts?: number;
  /** -1 (infinite) or 60–604,800 s. @default -1 */
  readonly maximumRecordAgeSeconds?: number;
  /** FunctionResponseTypes: ['ReportBatchItemFailures']. @default false */
  readonly reportBatchItemFailures?: boolean;
  /** On-failure destination: receives the metadata and, as an S3 destination does, the whole invocation payload. */
  readonly onFailure?: (record: KafkaOnFailureRecord) => void | Promise<void>;
  /** Called after every invocation (progress, tests). */
  readonly onBatch?: (outcome: KafkaBatchOutcome) => void;
  /** Fault injection: on every retry, cut the batch at a different, seeded-random size. */
  readonly chaos?: { readonly seed: number; readonly resplit: boolean };
  /** @default 'tickflow-aggregator' */
  readonly functionName?: string;
  /** Delay before retry n is `min(max, initial·2^(n−1))`. @default { initialMs: 10, maxMs: 1000 } */
  readonly retryBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Consumer group session and rebalance timeouts (ms). @default { session: 10_000, rebalance: 10_000 } */
  readonly groupTimeouts?: { readonly sessionMs: number; readonly rebalanceMs: number };
  /** Wall clock in epoch ms, for record age. @default Date.now */
  readonly clock?: () => number;
}

export type ResolvedKafkaOptions = Required<
  Omit<KafkaEventSourceMappingOptions, 'onFailure' | 'onBatch' | 'chaos' | 'source'>
> &
  Pick<KafkaEventSourceMappingOptions, 'onFailure' | 'onBatch' | 'chaos'> & {
    readonly source: KafkaEventSource;
  };

/** Applies defaults and rejects values Lambda would reject. */
export function resolveKafkaOptions(options: KafkaEventSourceMappingOptions): ResolvedKafkaOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const functionName = options.functionName ?? 'tickflow-aggregator';
  const resolved: ResolvedKafkaOptions = {
    consumerGroupId: `${functionName}-esm`,
    source: { kind: 'self-managed', bootstrapServers: options.bootstrap },
    startingPosition: 'TRIM_HORIZON',
    batchSize: 100,
    maximumBatchingWindowMs: 500,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    reportBatchItemFailures: false,
    functionName,
    retryBackoff: { initialMs: 10, maxMs: 1000 },
    groupTimeouts: { sessionMs: 10_000, rebalanceMs: 10_000 },
    clock: Date.now,
    ...defined,
    bootstrap: options.bootstrap,
    topic: options.topic,
    handler: options.handler,
  };
  requireInteger('batchSize', resolved.batchSize, 1, 10_000);
  requireInteger('maximumBatchingWindowMs', resolved.maximumBatchingWindowMs, 0, 300_000);
  if (resolved.maximumRetryAttempts !== -1)
    requireInteger('maximumRetryAttempts', resolved.maximumRetryAttempts, 0, 10_000, '-1 or ');
  if (resolved.maximumRecordAgeSeconds !== -1)
    requireInteger('maximumRecordAgeSeconds', resolved.maximumRecordAgeSeconds, 60, 604_800, '-1 or ');
  return resolved;
}

function requireInteger(option: string, value: number, min: number, max: number, prefix = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidEventSourceMappingError(option, value, `${prefix}an integer from ${min} to ${max}`);
  }
}

/** Per topic-partition, the span of offsets a discarded batch covered (Lambda's `recordsInfo`). */
export interface KafkaRecordsInfo {
  readonly firstRecordOffset: string;
  readonly lastRecordOffset: string;
  /** ISO-8601. */
  readonly firstRecordTimestamp: string;
  readonly lastRecordTimestamp: string;
}

/**
 * The JSON document Lambda sends to an on-failure destination for discarded Kafka records
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html); `payload`, the whole
 * invocation, is what an S3 destination receives besides the metadata.
 */
export interface KafkaOnFailureRecord extends OnFailureEnvelope {
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly eventSourceArn?: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo: Readonly<Record<string, KafkaRecordsInfo>>;
  };
  readonly payload: KafkaEvent;
}

export interface KafkaBatchOutcome {
  /** `<topic>-<partition>`. */
  readonly partition: string;
  readonly size: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** Deliveries of the batch's first record so far (1 = first delivery). */
  readonly attempt: number;
  readonly result: 'success' | 'function-error' | 'partial-failure';
  /** Records committed by this invocation (all on success, those before the lowest failure on partial). */
  readonly checkpointed: number;
  readonly durationMs: number;
  readonly error?: unknown;
}
