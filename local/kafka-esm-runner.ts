/**
 * A local Kafka event source mapping with Lambda's semantics for Amazon MSK and self-managed Kafka,
 * so the local run and the tests drive the real handlers the way AWS invokes them on a Kafka topic:
 * - https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html and with-msk.html: a consumer group
 *   reads the topic; records of a partition are delivered in offset order, one batch at a time,
 *   partitions concurrently; the event groups records under `<topic>-<partition>`.
 * - Offsets are committed to the consumer group only after a batch succeeded (or, on a partial batch
 *   response, up to the lowest failed record; or after discarded records went to the destination).
 *   A partition that moves to another consumer in a rebalance restarts there from the committed
 *   offset: records are redelivered, never skipped.
 * - https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html: retries, maximum
 *   record age, bisect on error and partial batch responses, with the same retry/bisect decisions as
 *   the Kinesis runner (`local/esm/retry-policy.ts`); https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html:
 *   the on-failure record, with the whole invocation as an S3 destination keeps it.
 * Differences from Lambda: one invocation holds one partition (Lambda may mix partitions of a topic in
 * one batch; the handlers accept both), and the batching window is the fetch's wait time.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { MSKRecord } from 'aws-lambda';
import kafkajs, { type Admin, type Consumer, type EachBatchPayload } from 'kafkajs';
import { createRandom } from '../shared/random.js';
import { MAX_INVOKE_PAYLOAD_BYTES } from './esm/events.js';
import { emptyEsmStats, type Invocation, invokeOnce, onFailureEnvelope } from './esm/invoke.js';
import { interpretKafkaBatchResponse } from './esm/kafka/batch-response.js';
import {
  type KafkaBatchOutcome,
  type KafkaEventSourceMappingOptions,
  type KafkaOnFailureRecord,
  type ResolvedKafkaOptions,
  resolveKafkaOptions,
} from './esm/kafka/options.js';
import { toKafkaEvent, toKafkaRecord } from './esm/kafka-events.js';
import { lambdaContext } from './esm/lambda-context.js';
import {
  decideAfterInvoke,
  expiredAtHead,
  type InvokeOutcome,
  type PlannedBatch,
  replan,
  resplitPlan,
} from './esm/retry-policy.js';
import { backoffMs } from './esm/shard-consumer.js';
import type { EventSourceMappingStats, FailureCondition } from './esm/types.js';

export type {
  KafkaBatchOutcome,
  KafkaEventSourceMappingOptions,
  KafkaHandler,
  KafkaOnFailureRecord,
} from './esm/kafka/options.js';

const RESULTS = { success: 'success', error: 'function-error', partial: 'partial-failure' } as const;

export class KafkaIdleTimeoutError extends Error {
  override readonly name = 'KafkaIdleTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly lag: number,
  ) {
    super(`Kafka event source mapping not idle after ${timeoutMs} ms (${lag} records not committed)`);
  }
}

/**
 * Consumes a topic in a consumer group and invokes `handler` with Lambda's Kafka batching, ordering,
 * offset commits and error handling. Two runners with the same group split the partitions between
 * them, as Lambda's pollers do, and a rebalance moves partitions while batches are in flight.
 *
 * @example
 *   const esm = new KafkaEventSourceMappingRunner({ bootstrap, topic: 'ticks', handler, batchSize: 500,
 *     bisectBatchOnFunctionError: true, maximumRetryAttempts: 10, reportBatchItemFailures: true });
 *   await esm.start();
 *   await producer.run();
 *   await esm.waitUntilIdle();
 *   await esm.stop();
 */
export class KafkaEventSourceMappingRunner {
  readonly stats: EventSourceMappingStats = emptyEsmStats();
  /** Partitions handed over to another consumer while this one was still working on them. */
  lostPartitions = 0;
  private readonly o: ResolvedKafkaOptions;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly functionArn: string;
  private readonly resplit: (() => number) | undefined;
  private readonly abort = new AbortController();
  private inFlight = 0;
  private failure: { error: unknown } | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: KafkaEventSourceMappingOptions) {
    this.o = resolveKafkaOptions(options);
    const kafka = new kafkajs.Kafka({
      clientId: this.o.functionName,
      brokers: this.o.bootstrap.split(','),
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const { sessionMs, rebalanceMs } = this.o.groupTimeouts;
    this.consumer = kafka.consumer({
      groupId: this.o.consumerGroupId,
      sessionTimeout: sessionMs,
      rebalanceTimeout: rebalanceMs,
      heartbeatInterval: Math.min(1000, sessionMs / 3),
      maxWaitTimeInMs: Math.max(10, this.o.maximumBatchingWindowMs),
    });
    this.admin = kafka.admin();
    this.functionArn = `arn:aws:lambda:us-east-1:000000000000:function:${this.o.functionName}`;
    this.resplit = this.o.chaos?.resplit ? createRandom(`resplit:${this.o.chaos.seed}`).next : undefined;
  }

  /** Joins the consumer group and resolves once it was assigned its first partitions. */
  async start(): Promise<void> {
    await Promise.all([this.consumer.connect(), this.admin.connect()]);
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    // kafkajs restarts the consumer after a retriable crash (a coordinator still loading); the others end the run.
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      if (!this.abort.signal.aborted && !e.payload.restart) this.failure ??= { error: e.payload.error };
    });
    await this.consumer.subscribe({
      topic: this.o.topic,
      fromBeginning: this.o.startingPosition === 'TRIM_HORIZON',
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    await joined;
  }

  /**
   * Resolves when the group's committed offset of every partition has reached the partition's end as
   * of this call and nothing is in flight. Rejects with the run's failure, or with
   * {@link KafkaIdleTimeoutError} (e.g. a poison record retried forever).
   */
  async waitUntilIdle(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline =
      options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
    const ends = await this.admin.fetchTopicOffsets(this.o.topic);
    for (;;) {
      if (this.failure) throw this.failure.error;
      // A fresh broker answers "coordinator is loading" for a while: retriable, so ask again.
      const lag = await this.lag(ends).catch((err: { retriable?: boolean }) => {
        if (err?.retriable) return Number.POSITIVE_INFINITY;
        throw err;
      });
      if (lag === 0 && this.inFlight === 0) return;
      if (Date.now() > deadline) throw new KafkaIdleTimeoutError(options.timeoutMs!, lag);
      await sleepFor(50);
    }
  }

  /** Leaves the group; in-flight invocations finish, uncommitted records stay for the next consumer. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.consumer.disconnect();
      await this.admin.disconnect();
    })();
    return this.stopping;
  }

  private async lag(ends: readonly { partition: number; high: string }[]): Promise<number> {
    const [committed] = await this.admin.fetchOffsets({
      groupId: this.o.consumerGroupId,
      topics: [this.o.topic],
    });
    const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    let lag = 0;
    for (const { partition, high } of ends)
      lag += Math.max(0, Number(high) - Math.max(0, at.get(partition) ?? 0));
    return lag;
  }

  /** One fetched batch of one partition: cut into invocations, retried and committed as Lambda does. */
  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat, resolveOffset } = payload;
    const o = this.o;
    const records = batch.messages.map((m) =>
      toKafkaRecord({
        ...m,
        topic: batch.topic,
        partition: batch.partition,
        headers: m.headers as Record<string, Buffer>,
      }),
    );
    this.stats.recordsRead += records.length;
    const deliveries = new Array<number>(records.length).fill(0);
    let head = 0;
    let plan: PlannedBatch[] = [];
    const lost = () => !isRunning() || isStale() || this.abort.signal.aborted;
    while (head < records.length) {
      if (lost()) {
        this.lostPartitions++;
        return;
      }
      const planned = plan[0] ?? { size: o.batchSize, retries: 0 };
      const size = fittingCount(records, head, Math.min(planned.size, records.length - head));
      const invocation = records.slice(head, head + size);

      const expired = expiredAtHead(
        invocation.map((r) => r.timestamp),
        o.maximumRecordAgeSeconds,
        o.clock(),
      );
      if (expired > 0) {
        await this.discard(invocation.slice(0, expired), 'RecordAgeExceeded', planned.retries, undefined);
        head += expired;
        plan = [];
        if (!(await this.commit(records[head - 1]!, resolveOffset))) return;
        continue;
      }

      for (let i = head; i < head + size; i++) deliveries[i]!++;
      const { outcome, error, durationMs } = await this.invoke(invocation, deliveries[head]! > 1);
      const decision = decideAfterInvoke({ size, retries: planned.retries }, outcome, o);
      plan = replan(plan, planned, size, decision);
      if (decision.bisected) this.stats.bisections++;
      if (decision.discard > 0) {
        const discarded = invocation.slice(decision.checkpoint, decision.checkpoint + decision.discard);
        await this.discard(
          discarded,
          'RetryAttemptsExhausted',
          planned.retries + 1,
          outcome.kind === 'error' ? 'Unhandled' : undefined,
        );
      }
      this.stats.recordsSucceeded += decision.checkpoint;
      const done = decision.checkpoint + decision.discard;
      o.onBatch?.(
        this.outcome(invocation, deliveries[head]!, outcome, decision.checkpoint, durationMs, error),
      );
      head += done;
      if (done > 0 && !(await this.commit(records[head - 1]!, resolveOffset))) return;
      if (outcome.kind !== 'success') {
        if (this.resplit) plan = resplitPlan(plan, records.length - head, o.batchSize, this.resplit);
        await this.sleep(backoffMs(plan[0]?.retries ?? 0, o.retryBackoff));
      }
      await heartbeat().catch(() => undefined);
    }
  }

  private async invoke(invocation: MSKRecord[], redelivery: boolean): Promise<Invocation> {
    const { stats, o } = this;
    if (redelivery) stats.retries++;
    stats.recordsDelivered += invocation.length;
    this.inFlight++;
    try {
      return await invokeOnce(
        stats,
        () => o.handler(toKafkaEvent(invocation, o.source), lambdaContext(o.functionName, this.functionArn)),
        (response) => interpretKafkaBatchResponse(response, invocation, o.reportBatchItemFailures),
      );
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Commits the group's offset past `last`. False when the partition is no longer this consumer's (a
   * rebalance gave it to another): the commit is refused and the new owner redelivers from the last
   * committed offset.
   */
  private async commit(last: MSKRecord, resolveOffset: (offset: string) => void): Promise<boolean> {
    resolveOffset(String(last.offset));
    try {
      await this.consumer.commitOffsets([
        { topic: last.topic, partition: last.partition, offset: String(last.offset + 1) },
      ]);
      return true;
    } catch (err) {
      if (isRebalanceError(err) || this.abort.signal.aborted) {
        this.lostPartitions++;
        return false;
      }
      throw err;
    }
  }

  private async discard(
    records: MSKRecord[],
    condition: FailureCondition,
    approximateInvokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    this.stats.failuresToDestination++;
    this.stats.recordsToDestination += records.length;
    if (!this.o.onFailure) return;
    const payload = toKafkaEvent(records, this.o.source);
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const record: KafkaOnFailureRecord = {
      ...onFailureEnvelope({
        functionArn: this.functionArn,
        condition,
        approximateInvokeCount,
        functionError,
        now: new Date(this.o.clock()),
      }),
      KafkaBatchInfo: {
        batchSize: records.length,
        ...(this.o.source.kind === 'msk' && { eventSourceArn: this.o.source.clusterArn }),
        bootstrapServers: this.o.source.bootstrapServers,
        payloadSize: Buffer.byteLength(JSON.stringify(payload)),
        recordsInfo: {
          [`${first.topic}-${first.partition}`]: {
            firstRecordOffset: String(first.offset),
            lastRecordOffset: String(last.offset),
            firstRecordTimestamp: new Date(first.timestamp).toISOString(),
            lastRecordTimestamp: new Date(last.timestamp).toISOString(),
          },
        },
      },
      payload,
    };
    await this.o.onFailure(record);
  }

  private outcome(
    invocation: readonly MSKRecord[],
    attempt: number,
    outcome: InvokeOutcome,
    checkpointed: number,
    durationMs: number,
    error: unknown,
  ): KafkaBatchOutcome {
    const first = invocation[0]!;
    return {
      partition: `${first.topic}-${first.partition}`,
      size: invocation.length,
      firstOffset: String(first.offset),
      lastOffset: String(invocation[invocation.length - 1]!.offset),
      attempt,
      result: RESULTS[outcome.kind],
      checkpointed,
      durationMs,
      ...(error !== undefined && { error }),
    };
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return sleepFor(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}

/** How many records from `start` fit in one 6 MB invocation (always at least one). */
function fittingCount(records: readonly MSKRecord[], start: number, maxCount: number): number {
  let bytes = 64;
  let count = 0;
  for (let i = start; i < start + maxCount; i++) {
    bytes += Buffer.byteLength(JSON.stringify(records[i])) + 1;
    if (bytes > MAX_INVOKE_PAYLOAD_BYTES && count > 0) break;
    count++;
  }
  return count;
}

const REBALANCE_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

/** Kafka's answers to a commit from a consumer that no longer owns the partition (kafkajs may wrap them). */
function isRebalanceError(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e; ) {
    if (e.type && REBALANCE_ERRORS.has(e.type)) return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return /not aware of this member|generation id is not valid|rebalanc/i.test(
    String((err as Error)?.message),
  );
}
