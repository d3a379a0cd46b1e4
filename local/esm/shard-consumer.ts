import { randomUUID } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  type _Record,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-kinesis';
import { interpretBatchResponse } from './batch-response.js';
import {
  countFittingPayload,
  type DeliverableRecord,
  type StreamIdentity,
  toDeliverable,
  toOnFailureRecord,
} from './events.js';
import { type Invocation, invokeOnce } from './invoke.js';
import { lambdaContext } from './lambda-context.js';
import { Lane, laneOf } from './lane.js';
import type { ResolvedOptions } from './options.js';
import {
  decideAfterInvoke,
  expiredAtHead,
  type InvokeOutcome,
  type PlannedBatch,
  replan,
  resplitPlan,
} from './retry-policy.js';
import type { EventSourceMappingStats, FailureCondition, InvocationResult } from './types.js';

/** GetRecords returns at most 10,000 records per call. */
const GET_RECORDS_LIMIT = 10_000;
const MAX_CONSECUTIVE_READ_ERRORS = 5;

/** What a shard consumer shares with its runner. */
export interface ConsumerContext {
  readonly options: ResolvedOptions;
  readonly stream: StreamIdentity;
  readonly functionArn: string;
  readonly stats: EventSourceMappingStats;
  /** Seeded PRNG when chaos re-splitting is on. */
  readonly resplit: (() => number) | undefined;
  readonly abort: AbortSignal;
  /** Something changed (records read, batch done): idle waiters re-check. */
  changed(): void;
  /** The shard was read to its end (closed by a split or merge). */
  shardEnded(): void;
  /** An error the run cannot continue after (surfaced by waitUntilIdle). */
  fail(err: unknown): void;
}

/**
 * Reads one shard in order and delivers its records through `parallelizationFactor` lanes
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): polls GetRecords without pause
 * while there is data, sleeps `pollIntervalMs` only when the shard is empty, and stops reading while
 * its lanes hold more than a bounded number of records.
 */
export class ShardConsumer {
  readonly lanes: Lane[];
  inFlight = 0;
  ended = false;
  /** performance.now() at the start of the latest poll that found the shard empty at its tip. */
  caughtUpAt = Number.NEGATIVE_INFINITY;
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private readonly maxBuffered: number;
  private drained: (() => void) | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly ctx: ConsumerContext,
    readonly shardId: string,
  ) {
    const { batchSize, parallelizationFactor } = ctx.options;
    this.lanes = Array.from({ length: parallelizationFactor }, (_, i) => new Lane(i));
    this.maxBuffered = Math.max(GET_RECORDS_LIMIT, 2 * batchSize * parallelizationFactor);
  }

  get buffered(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.length;
    return n;
  }

  /** Nothing read and not yet checkpointed or discarded, and no invocation running. */
  get settled(): boolean {
    return this.inFlight === 0 && this.buffered === 0;
  }

  /** Gets the first iterator (so LATEST means "after this call"), then reads in the background. */
  async start(
    position: Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'Timestamp'>,
  ): Promise<void> {
    this.iterator = await this.getIterator(position);
    this.track(this.readLoop());
  }

  /** Resolves when the read loop and every lane have returned (after the runner's abort). */
  async finished(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  wakeAll(): void {
    for (const lane of this.lanes) lane.notify();
    this.drained?.();
  }

  private track(task: Promise<void>): void {
    const guarded = task.catch((err) => this.ctx.fail(err));
    this.running.add(guarded);
    void guarded.finally(() => this.running.delete(guarded));
  }

  private async getIterator(
    position: Pick<
      GetShardIteratorCommandInput,
      'ShardIteratorType' | 'Timestamp' | 'StartingSequenceNumber'
    >,
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.ctx.options.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.ctx.options.streamName,
        ShardId: this.shardId,
        ...position,
      }),
    );
    return ShardIterator;
  }

  private async readLoop(): Promise<void> {
    const { kinesis, pollIntervalMs } = this.ctx.options;
    let errors = 0;
    while (!this.ctx.abort.aborted && this.iterator) {
      const room = this.maxBuffered - this.buffered;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          this.drained = resolve;
        });
        this.drained = undefined;
        continue;
      }
      const pollStarted = performance.now();
      let response: GetRecordsCommandOutput;
      try {
        response = await kinesis.send(
          new GetRecordsCommand({ ShardIterator: this.iterator, Limit: Math.min(GET_RECORDS_LIMIT, room) }),
        );
        errors = 0;
      } catch (err) {
        if (this.ctx.abort.aborted) return;
        if (++errors > MAX_CONSECUTIVE_READ_ERRORS) throw err;
        if (err instanceof ExpiredIteratorException) this.iterator = await this.resumeIterator();
        await this.sleep(pollIntervalMs * 2 ** errors);
        continue;
      }
      const records = response.Records ?? [];
      this.accept(records, performance.now());
      this.iterator = response.NextShardIterator;
      if (records.length === 0) {
        if ((response.MillisBehindLatest ?? 0) === 0) this.caughtUpAt = pollStarted;
        this.ctx.changed();
        await this.sleep(pollIntervalMs);
      }
    }
    if (!this.iterator) {
      this.ended = true;
      this.ctx.shardEnded();
    }
    this.ctx.changed();
  }

  private resumeIterator(): Promise<string | undefined> {
    return this.lastSequenceNumber
      ? this.getIterator({
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: this.lastSequenceNumber,
        })
      : this.getIterator({ ShardIteratorType: 'TRIM_HORIZON' });
  }

  private accept(records: readonly _Record[], readAt: number): void {
    if (records.length === 0) return;
    const lanes = this.lanes.length;
    for (const record of records) {
      const deliverable = toDeliverable(record, this.shardId, this.ctx.stream, readAt);
      this.lanes[laneOf(deliverable.event.kinesis.partitionKey, lanes)]!.push(deliverable);
    }
    this.lastSequenceNumber = records[records.length - 1]!.SequenceNumber;
    this.ctx.stats.recordsRead += records.length;
    for (const lane of this.lanes) {
      if (lane.length === 0) continue;
      if (lane.running) lane.notify();
      else this.track(this.runLane(lane));
    }
  }

  private async runLane(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (!this.ctx.abort.aborted && lane.length > 0) await this.deliverNext(lane);
    } finally {
      lane.running = false;
      this.ctx.changed();
    }
  }

  /** One step of a lane: wait for the batching window, expire old records, or invoke once. */
  private async deliverNext(lane: Lane): Promise<void> {
    const o = this.ctx.options;
    const planned: PlannedBatch = lane.plan[0] ?? { size: o.batchSize, retries: 0 };
    const { records, start } = lane.view();
    const size = countFittingPayload(records, start, Math.min(planned.size, lane.length));
    if (lane.plan.length === 0 && (await this.gatherBatchingWindow(lane, size))) return;

    const batch = lane.peek(size);
    const expired = expiredAtHead(
      batch.map((r) => r.arrivalMs),
      o.maximumRecordAgeSeconds,
      o.clock(),
    );
    if (expired > 0) {
      await this.discard(batch.slice(0, expired), 'RecordAgeExceeded', planned.retries, undefined);
      lane.plan = [];
      this.advance(lane, expired);
      return;
    }

    const { outcome, error, durationMs } = await this.invoke(batch);
    const decision = decideAfterInvoke({ size, retries: planned.retries }, outcome, o);
    lane.plan = replan(lane.plan, planned, size, decision);
    if (decision.bisected) this.ctx.stats.bisections++;
    if (decision.discard > 0) {
      const discarded = batch.slice(decision.checkpoint, decision.checkpoint + decision.discard);
      const functionError = outcome.kind === 'error' ? 'Unhandled' : undefined;
      await this.discard(discarded, 'RetryAttemptsExhausted', planned.retries + 1, functionError);
    }
    this.ctx.stats.recordsSucceeded += decision.checkpoint;
    this.advance(lane, decision.checkpoint + decision.discard);
    o.onBatch?.({
      shardId: this.shardId,
      lane: lane.index,
      size,
      firstSequenceNumber: batch[0]!.event.kinesis.sequenceNumber,
      lastSequenceNumber: batch[batch.length - 1]!.event.kinesis.sequenceNumber,
      attempt: batch[0]!.deliveries,
      result: RESULTS[outcome.kind],
      checkpointed: decision.checkpoint,
      durationMs,
      ...(error !== undefined && { error }),
    });
    if (outcome.kind === 'success') return;
    if (this.ctx.resplit) lane.plan = resplitPlan(lane.plan, lane.length, o.batchSize, this.ctx.resplit);
    await this.sleep(backoffMs(lane.plan[0]?.retries ?? 0, o.retryBackoff));
  }

  /** True when the lane waited for more records (the caller re-plans), false when the batch goes now. */
  private async gatherBatchingWindow(lane: Lane, size: number): Promise<boolean> {
    const { maximumBatchingWindowMs, batchSize } = this.ctx.options;
    if (maximumBatchingWindowMs === 0 || size >= batchSize || size < lane.length) return false;
    const waited = performance.now() - lane.oldest()!.readAt;
    if (waited >= maximumBatchingWindowMs) return false;
    await lane.waitForRecords(maximumBatchingWindowMs - waited);
    return true;
  }

  private async invoke(batch: DeliverableRecord[]): Promise<Invocation> {
    const o = this.ctx.options;
    const stats = this.ctx.stats;
    if (batch.some((r) => r.deliveries > 0)) stats.retries++;
    stats.recordsDelivered += batch.length;
    for (const record of batch) record.deliveries++;
    this.inFlight++;
    try {
      return await invokeOnce(
        stats,
        () =>
          o.handler(
            { Records: batch.map((r) => r.event) },
            lambdaContext(o.functionName, this.ctx.functionArn),
          ),
        (response) => interpretBatchResponse(response, batch, o.reportBatchItemFailures),
      );
    } finally {
      this.inFlight--;
    }
  }

  private async discard(
    records: DeliverableRecord[],
    condition: FailureCondition,
    approximateInvokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    this.ctx.stats.failuresToDestination++;
    this.ctx.stats.recordsToDestination += records.length;
    const onFailure = this.ctx.options.onFailure;
    if (!onFailure) return;
    await onFailure(
      toOnFailureRecord({
        shardId: this.shardId,
        records,
        condition,
        approximateInvokeCount,
        functionArn: this.ctx.functionArn,
        streamArn: this.ctx.stream.streamArn,
        requestId: randomUUID(),
        now: new Date(this.ctx.options.clock()),
        ...(functionError && { functionError }),
      }),
    );
  }

  private advance(lane: Lane, count: number): void {
    lane.advance(count);
    this.drained?.();
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return sleepFor(ms, undefined, { signal: this.ctx.abort }).catch(() => undefined);
  }
}

const RESULTS: Record<InvokeOutcome['kind'], InvocationResult> = {
  success: 'success',
  error: 'function-error',
  partial: 'partial-failure',
};

/** Exponential backoff before retry n (n ≥ 1); bisected halves (n = 0) go at once. */
export function backoffMs(retries: number, backoff: { initialMs: number; maxMs: number }): number {
  if (retries <= 0) return 0;
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** (retries - 1));
}
