/**
 * A local Kinesis event source mapping with Lambda's semantics, so `npm start` and the tests run the
 * real handlers the way AWS invokes them:
 * - https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (polling, batching, event shape,
 *   parallelization factor keeping order per partition key)
 * - https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html (retries, bisect,
 *   maximum record age, on-failure destination record)
 * - https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html (partial
 *   batch responses)
 * Checkpoints live in memory: a stopped runner starts again from its starting position.
 */
import {
  DescribeStreamSummaryCommand,
  type GetShardIteratorCommandInput,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { createRandom } from '../shared/random.js';
import { emptyEsmStats } from './esm/invoke.js';
import { type EventSourceMappingOptions, type ResolvedOptions, resolveOptions } from './esm/options.js';
import { type ConsumerContext, ShardConsumer } from './esm/shard-consumer.js';
import type { EventSourceMappingStats } from './esm/types.js';

export type { EventSourceMappingOptions, KinesisHandler } from './esm/options.js';
export { InvalidEventSourceMappingError } from './esm/options.js';
export type { BatchOutcome, EventSourceMappingStats, OnFailureRecord } from './esm/types.js';

export class IdleTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly stats: Readonly<EventSourceMappingStats>,
    readonly pendingRecords: number,
  ) {
    super(`event source mapping not idle after ${timeoutMs} ms (${pendingRecords} records pending)`);
    this.name = 'IdleTimeoutError';
  }
}

/**
 * Polls every shard of a stream and invokes `handler` with Lambda's batching, ordering and error handling.
 *
 * @example
 *   const esm = new EventSourceMappingRunner({ kinesis, streamName, handler, batchSize: 500,
 *     bisectBatchOnFunctionError: true, maximumRetryAttempts: 3, onFailure: (r) => dlq.push(r) });
 *   await esm.start();
 *   await producer.run();
 *   await esm.waitUntilIdle();
 *   await esm.stop();
 */
export class EventSourceMappingRunner {
  readonly stats: EventSourceMappingStats = emptyEsmStats();
  private readonly options: ResolvedOptions;
  private readonly abort = new AbortController();
  private readonly consumers = new Map<string, ShardConsumer>();
  /** Child shards waiting for their parents to be read to the end (resharding). */
  private readonly waitingShards = new Map<string, Shard>();
  private context: ConsumerContext | undefined;
  private waiters = new Set<() => void>();
  private failure: { error: unknown } | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(options: EventSourceMappingOptions) {
    this.options = resolveOptions(options);
  }

  /** Resolves once every open shard has its first iterator (records put after this are seen with LATEST). */
  async start(): Promise<void> {
    if (this.started) throw new Error('EventSourceMappingRunner.start() was already called');
    this.started = true;
    const o = this.options;
    const { StreamDescriptionSummary } = await o.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: o.streamName }),
    );
    const streamArn = StreamDescriptionSummary!.StreamARN!;
    const [, , , region = 'us-east-1', account = '000000000000'] = streamArn.split(':');
    const functionArn = `arn:aws:lambda:${region}:${account}:function:${o.functionName}`;
    this.context = {
      options: o,
      stream: {
        streamArn,
        region,
        invokeIdentityArn: o.invokeIdentityArn ?? `arn:aws:iam::${account}:role/${o.functionName}-role`,
      },
      functionArn,
      stats: this.stats,
      resplit: o.chaos?.resplit ? createRandom(`resplit:${o.chaos.seed}`).next : undefined,
      abort: this.abort.signal,
      changed: () => this.notifyChanged(),
      shardEnded: () => void this.adoptChildShards(),
      fail: (error) => this.recordFailure(error),
    };
    await this.startEligibleShards(await this.listShards(), this.initialPosition());
  }

  /**
   * Resolves when every shard has been read to its end as of this call and every record read is
   * checkpointed or discarded, with nothing in flight. Rejects with the run's failure, or with
   * {@link IdleTimeoutError} (e.g. a poison record retried forever).
   */
  async waitUntilIdle(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.started) throw new Error('call start() before waitUntilIdle()');
    const since = performance.now();
    const deadline = options.timeoutMs === undefined ? undefined : since + options.timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.isIdleSince(since)) return;
      if (this.abort.signal.aborted) return;
      const remaining = deadline === undefined ? undefined : deadline - performance.now();
      if (remaining !== undefined && remaining <= 0) {
        throw new IdleTimeoutError(options.timeoutMs!, { ...this.stats }, this.pendingRecords());
      }
      await this.nextChange(remaining);
    }
  }

  /** Stops polling, lets in-flight invocations finish, and drops what is not checkpointed. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      for (const consumer of this.consumers.values()) consumer.wakeAll();
      await Promise.all([...this.consumers.values()].map((c) => c.finished()));
      this.notifyChanged();
    })();
    return this.stopping;
  }

  private initialPosition(): Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'Timestamp'> {
    const { startingPosition, startingPositionTimestamp } = this.options;
    return startingPosition === 'AT_TIMESTAMP'
      ? { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: startingPositionTimestamp }
      : { ShardIteratorType: startingPosition };
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.kinesis.send(
        token
          ? new ListShardsCommand({ NextToken: token })
          : new ListShardsCommand({ StreamName: this.options.streamName }),
      );
      shards.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token);
    return shards;
  }

  /** Starts shards whose parents are absent (expired) or fully read; child shards start at TRIM_HORIZON. */
  private async startEligibleShards(
    shards: Shard[],
    position: Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'Timestamp'>,
  ): Promise<void> {
    const known = new Set(shards.map((s) => s.ShardId!));
    const starting: Promise<void>[] = [];
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.consumers.has(id)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => p !== undefined && known.has(p),
      );
      const parentsDone = parents.every((p) => this.consumers.get(p)?.ended === true);
      if (parents.length > 0 && !parentsDone) {
        this.waitingShards.set(id, shard);
        continue;
      }
      this.waitingShards.delete(id);
      const consumer = new ShardConsumer(this.context!, id);
      this.consumers.set(id, consumer);
      starting.push(consumer.start(parents.length > 0 ? { ShardIteratorType: 'TRIM_HORIZON' } : position));
    }
    await Promise.all(starting);
  }

  private isIdleSince(since: number): boolean {
    if (this.waitingShards.size > 0 || this.adoptingChildren > 0) return false;
    for (const consumer of this.consumers.values()) {
      if (!consumer.settled) return false;
      if (!consumer.ended && consumer.caughtUpAt < since) return false;
    }
    return true;
  }

  private pendingRecords(): number {
    let n = 0;
    for (const consumer of this.consumers.values()) n += consumer.buffered;
    return n;
  }

  private notifyChanged(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  private adoptingChildren = 0;
  /** A shard was read to its end (split or merged): list the stream again and start its children. */
  private async adoptChildShards(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.adoptingChildren++;
    try {
      await this.startEligibleShards(await this.listShards(), this.initialPosition());
    } catch (error) {
      this.recordFailure(error);
    } finally {
      this.adoptingChildren--;
      this.notifyChanged();
    }
  }

  private nextChange(timeoutMs: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(wake, timeoutMs);
      const waiters = this.waiters;
      function wake() {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      }
      waiters.add(wake);
    });
  }

  private recordFailure(error: unknown): void {
    this.failure ??= { error };
    this.notifyChanged();
  }
}
