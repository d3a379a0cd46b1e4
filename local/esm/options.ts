import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { BatchOutcome, OnFailureRecord } from './types.js';

/**
 * Options of the local Kinesis event source mapping, named and bounded like Lambda's
 * CreateEventSourceMapping (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html).
 */

/** A Lambda handler for Kinesis events, with or without a partial batch response (as `KinesisStreamHandler`). */
export type KinesisHandler = (
  event: KinesisStreamEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: an `async (event) => {}` handler returns Promise<void>.
) => Promise<KinesisStreamBatchResponse | void> | KinesisStreamBatchResponse | undefined;

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

export interface EventSourceMappingOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly handler: KinesisHandler;
  /** @default 'TRIM_HORIZON' */
  readonly startingPosition?: StartingPosition;
  /** Required with `AT_TIMESTAMP`. */
  readonly startingPositionTimestamp?: Date;
  /** Records per invocation, 1–10,000. @default 100 */
  readonly batchSize?: number;
  /** Time to gather a full batch before invoking, 0–300,000 ms. @default 0 */
  readonly maximumBatchingWindowMs?: number;
  /** Concurrent batches per shard, 1–10; records of one partition key stay in order. @default 1 */
  readonly parallelizationFactor?: number;
  /** On a function error, split the batch in two and retry each half (no retry quota used). @default false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 (infinite) or 0–10,000. @default -1 */
  readonly maximumRetryAttempts?: number;
  /** -1 (infinite) or 60–604,800 s; older records are discarded to the destination. @default -1 */
  readonly maximumRecordAgeSeconds?: number;
  /** FunctionResponseTypes: ['ReportBatchItemFailures']. @default false */
  readonly reportBatchItemFailures?: boolean;
  /** On-failure destination: receives what Lambda sends to an SQS queue or SNS topic. */
  readonly onFailure?: (record: OnFailureRecord) => void | Promise<void>;
  /** Called after every invocation (progress, tests). */
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /** Fault injection: on every retry, cut the batch at a different, seeded-random size. */
  readonly chaos?: { readonly seed: number; readonly resplit: boolean };
  /** @default 'tickflow-aggregator' */
  readonly functionName?: string;
  /** @default `arn:aws:iam::<account>:role/<functionName>-role` */
  readonly invokeIdentityArn?: string;
  /** Sleep between polls of a shard that returned nothing. @default 50 */
  readonly pollIntervalMs?: number;
  /** Delay before retry n is `min(max, initial·2^(n−1))`. @default { initialMs: 10, maxMs: 1000 } */
  readonly retryBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Wall clock in epoch ms, for record age. @default Date.now */
  readonly clock?: () => number;
}

export type ResolvedOptions = Required<
  Omit<
    EventSourceMappingOptions,
    'startingPositionTimestamp' | 'onFailure' | 'onBatch' | 'chaos' | 'invokeIdentityArn'
  >
> &
  Pick<
    EventSourceMappingOptions,
    'startingPositionTimestamp' | 'onFailure' | 'onBatch' | 'chaos' | 'invokeIdentityArn'
  >;

export class InvalidEventSourceMappingError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${option} must be ${expected}, got ${String(value)}`);
    this.name = 'InvalidEventSourceMappingError';
  }
}

/** Applies defaults and rejects values Lambda would reject. */
export function resolveOptions(options: EventSourceMappingOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    startingPosition: 'TRIM_HORIZON',
    batchSize: 100,
    maximumBatchingWindowMs: 0,
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    reportBatchItemFailures: false,
    functionName: 'tickflow-aggregator',
    pollIntervalMs: 50,
    retryBackoff: { initialMs: 10, maxMs: 1000 },
    clock: Date.now,
    ...definedOnly(options),
    kinesis: options.kinesis,
    streamName: options.streamName,
    handler: options.handler,
  };
  const { batchSize, maximumBatchingWindowMs, parallelizationFactor } = resolved;
  requireInteger('batchSize', batchSize, 1, 10_000);
  requireInteger('maximumBatchingWindowMs', maximumBatchingWindowMs, 0, 300_000);
  requireInteger('parallelizationFactor', parallelizationFactor, 1, 10);
  if (resolved.maximumRetryAttempts !== -1) {
    requireInteger('maximumRetryAttempts', resolved.maximumRetryAttempts, 0, 10_000, '-1 or ');
  }
  if (resolved.maximumRecordAgeSeconds !== -1) {
    requireInteger('maximumRecordAgeSeconds', resolved.maximumRecordAgeSeconds, 60, 604_800, '-1 or ');
  }
  requireInteger('pollIntervalMs', resolved.pollIntervalMs, 1, 60_000);
  if (resolved.startingPosition === 'AT_TIMESTAMP' && !resolved.startingPositionTimestamp) {
    throw new InvalidEventSourceMappingError(
      'startingPositionTimestamp',
      undefined,
      'a Date when startingPosition is AT_TIMESTAMP',
    );
  }
  return resolved;
}

function requireInteger(option: string, value: number, min: number, max: number, prefix = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidEventSourceMappingError(option, value, `${prefix}an integer from ${min} to ${max}`);
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
