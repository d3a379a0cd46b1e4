import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import {
  type OrderingMode,
  type PendingEntry,
  planRequest,
  requeue,
  toPendingEntry,
} from '../producer/batching.js';
import { type Clock, monotonicClock, Pacer, type Sleep, sleep } from '../producer/pacing.js';
import { SourceReader } from '../producer/source-reader.js';
import type { ProducerRecord } from '../producer/types.js';

/** The one Kinesis call the publisher makes; a thin fake of it can stand in where Kinesis cannot fail on demand. */
export type PutRecordsCall = (
  input: PutRecordsCommandInput,
) => Promise<{ FailedRecordCount?: number | undefined; Records: PutRecordsResultEntry[] | undefined }>;

/** PutRecords through an SDK v3 client. */
export function putRecordsWith(client: KinesisClient): PutRecordsCall {
  return (input) => client.send(new PutRecordsCommand(input));
}

export interface KinesisPublisherOptions {
  readonly streamName: string;
  readonly putRecords: PutRecordsCall;
  /** @default 'strict' — see {@link OrderingMode}. */
  readonly ordering?: OrderingMode;
  /** Ticks packed into one record as a JSON array (ticks of one symbol, in order). @default 1 (no packing) */
  readonly maxTicksPerRecord?: number;
  /** Caps the publishing rate in records or ticks per second. @default unlimited */
  readonly rateLimit?: { readonly perSecond: number; readonly unit: 'records' | 'ticks' };
  /** PutRecords attempts per record before giving up. @default 10 */
  readonly maxAttempts?: number;
  /** Exponential backoff with full jitter between retries. @default { baseMs: 100, maxMs: 5000 } */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Records read ahead of the stream, from which requests are planned. @default 5000 */
  readonly bufferSize?: number;
  /** How long a slow (live) source may keep a partly filled request waiting for more records. @default 200 */
  readonly lingerMs?: number;
  /** Called after every request with the running totals. */
  readonly onProgress?: (stats: Readonly<PublishStats>) => void;
  readonly random?: () => number;
  readonly sleep?: Sleep;
  readonly clock?: Clock;
}

/** Totals of one publish run; `records`, `ticks` and `bytes` count what Kinesis accepted. */
export interface PublishStats {
  records: number;
  ticks: number;
  bytes: number;
  requests: number;
  /** Entries sent again after a failure. */
  retries: number;
  /** Entries refused for throughput (ProvisionedThroughputExceeded, throttling). */
  throttled: number;
  durationMs: number;
}

/** Totals before the first request. */
export function emptyPublishStats(): PublishStats {
  return { records: 0, ticks: 0, bytes: 0, requests: 0, retries: 0, throttled: 0, durationMs: 0 };
}

/** Base of the publisher's errors. */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly streamName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** A record was refused more than `maxAttempts` times, or the request failed for a reason retrying cannot fix. */
export class PublishFailedError extends PublishError {
  constructor(
    streamName: string,
    readonly partitionKey: string,
    readonly errorCode: string,
    readonly errorMessage: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(
      `PutRecords to stream "${streamName}" failed for partition key "${partitionKey}" after ${attempts} attempt(s): ${errorCode}: ${errorMessage}`,
      streamName,
      options,
    );
    this.name = 'PublishFailedError';
  }
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
  'KMSThrottlingException',
]);
const TRANSIENT = new Set([...THROTTLING, 'InternalFailure', 'ServiceUnavailable', 'InternalServerError']);

/**
 * Publishes producer records to a Kinesis stream with PutRecords: requests within the API limits
 * (≤ 500 records, ≤ 5 MiB, ≤ 1 MiB per record with its key), optional packing of a symbol's ticks
 * into JSON-array records, retries of exactly the refused entries with exponential backoff and
 * jitter, per-partition-key order kept (see {@link OrderingMode}), an optional rate cap, and stats.
 *
 * @example
 * const publisher = new KinesisPublisher({ streamName: 'tickflow-ticks', putRecords: putRecordsWith(client), maxTicksPerRecord: 50 });
 * const stats = await publisher.publish(new MarketSimulator({ ticks: 10_000 }).records());
 */
export class KinesisPublisher {
  private readonly options: KinesisPublisherOptions;
  private readonly pacer: Pacer | undefined;

  constructor(options: KinesisPublisherOptions) {
    const positive = (name: string, v: number | undefined) => {
      if (v !== undefined && !(Number.isInteger(v) && v > 0))
        throw new RangeError(`KinesisPublisher ${name} must be a positive integer, got ${v}`);
    };
    positive('maxTicksPerRecord', options.maxTicksPerRecord);
    positive('maxAttempts', options.maxAttempts);
    positive('bufferSize', options.bufferSize);
    this.options = options;
    this.pacer = options.rateLimit
      ? new Pacer({ kind: 'rate', perSecond: options.rateLimit.perSecond }, options.clock)
      : undefined;
  }

  /** Puts every record of `source` on the stream, in order per partition key; resolves with the totals. */
  async publish(source: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>): Promise<PublishStats> {
    const clock = this.options.clock ?? monotonicClock;
    const started = clock();
    const stats = emptyPublishStats();
    const reader = new SourceReader(source, this.options.lingerMs ?? 200);
    const bufferSize = this.options.bufferSize ?? 5_000;
    let queue: PendingEntry[] = [];
    let seq = 0;
    for (;;) {
      for (const record of await reader.read(bufferSize - queue.length, queue.length > 0)) {
        queue.push(toPendingEntry(record, seq++));
      }
      if (queue.length === 0) break;
      const { request, rest } = planRequest(queue, {
        ordering: this.options.ordering ?? 'strict',
        maxTicksPerRecord: this.options.maxTicksPerRecord ?? 1,
        maxRecords: this.recordsPerRequest(),
      });
      await this.respectRateLimit(request);
      const failed = await this.send(request, stats);
      queue = requeue(rest, failed);
      stats.durationMs = clock() - started;
      this.options.onProgress?.(stats);
      if (failed.length > 0) await (this.options.sleep ?? sleep)(this.backoffMs(failed));
    }
    stats.durationMs = clock() - started;
    return stats;
  }

  /** Sends one request; returns the entries to retry, in order. */
  private async send(request: PendingEntry[], stats: PublishStats): Promise<PendingEntry[]> {
    const { streamName } = this.options;
    let results: (PutRecordsResultEntry | undefined)[];
    stats.requests++;
    try {
      const response = await this.options.putRecords({
        StreamName: streamName,
        Records: request.map((e) => ({
          PartitionKey: e.partitionKey,
          Data: typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data,
        })),
      });
      results = response.Records ?? [];
      if (results.length !== request.length) {
        throw new PublishError(
          `PutRecords to stream "${streamName}" answered ${results.length} results for ${request.length} records`,
          streamName,
        );
      }
    } catch (err) {
      if (err instanceof PublishError) throw err;
      const code = err instanceof Error ? err.name : 'Error';
      const message = err instanceof Error ? err.message : String(err);
      const retryable = TRANSIENT.has(code) || (err as { $retryable?: unknown }).$retryable !== undefined;
      if (!retryable)
        throw new PublishFailedError(streamName, request[0]!.partitionKey, code, message, 1, { cause: err });
      results = request.map(() => ({ ErrorCode: code, ErrorMessage: message }));
    }
    const failed: PendingEntry[] = [];
    request.forEach((entry, k) => {
      const result = results[k]!;
      entry.attempts++;
      if (entry.attempts > 1) stats.retries++;
      if (!result.ErrorCode) {
        stats.records++;
        stats.ticks += entry.ticks;
        stats.bytes += entry.bytes;
        return;
      }
      if (THROTTLING.has(result.ErrorCode)) stats.throttled++;
      if (entry.attempts >= (this.options.maxAttempts ?? 10)) {
        const message = result.ErrorMessage ?? '';
        throw new PublishFailedError(
          streamName,
          entry.partitionKey,
          result.ErrorCode,
          message,
          entry.attempts,
        );
      }
      failed.push(entry);
    });
    return failed;
  }

  /** Full-jitter exponential backoff on the most-retried failed entry. */
  private backoffMs(failed: readonly PendingEntry[]): number {
    const { baseMs, maxMs } = this.options.backoff ?? { baseMs: 100, maxMs: 5_000 };
    const attempts = Math.max(...failed.map((e) => e.attempts));
    return (this.options.random ?? Math.random)() * Math.min(maxMs, baseMs * 2 ** (attempts - 1));
  }

  /** With a rate cap, requests carry about a tenth of a second's worth, so the flow stays smooth. */
  private recordsPerRequest(): number {
    const limit = this.options.rateLimit;
    if (!limit) return 500;
    const perRecord = limit.unit === 'ticks' ? (this.options.maxTicksPerRecord ?? 1) : 1;
    return Math.max(1, Math.min(500, Math.floor(limit.perSecond / 10 / perRecord)));
  }

  private async respectRateLimit(request: readonly PendingEntry[]): Promise<void> {
    if (!this.pacer) return;
    const units =
      this.options.rateLimit!.unit === 'ticks' ? request.reduce((n, e) => n + e.ticks, 0) : request.length;
    const delay = this.pacer.delayBefore(units);
    if (delay > 0) await (this.options.sleep ?? sleep)(delay);
  }
}
