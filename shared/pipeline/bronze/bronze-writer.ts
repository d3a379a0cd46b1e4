import { DEFAULT_EVENT_TIME_RANGE, type EventTimeRange } from '../../domain/tick-bounds.js';
import type { MarkStore, StagingArea } from '../ports.js';
import type { DecodedRecord } from '../record-decoder.js';
import { stageBatch } from './staged-ticks.js';
import { stagingKey } from './staging-keys.js';

/** Counts of one bronze batch (metrics, the local run's summary). */
export interface BronzeBatchReport {
  readonly records: number;
  /** Valid ticks written to staging. */
  readonly ticks: number;
  readonly invalid: number;
  readonly unpartitionable: number;
  /** Watermark marks kept. */
  readonly marks: number;
  /** Keys of the staged objects written (one per shard in the batch; a Lambda batch has one shard). */
  readonly stagedKeys: readonly string[];
}

/**
 * The bronze consumer's core: keeps the valid ticks of a batch and lands them, with their stream origin,
 * as one staged object per shard, and keeps the batch's watermark marks (one object each, by position). Exactly once in effect without any state: the write is idempotent per
 * row set (see {@link stagingKey}) and compaction deduplicates by tick identity, so retries, bisections
 * and differently split redeliveries never double a tick in the lake. A failed write throws: the event
 * source mapping retries the batch.
 */
export class BronzeWriter {
  /** `eventTimes`: the accepted event times, the aggregator's (a tick it quarantines is no bronze tick). */
  constructor(
    private readonly staging: StagingArea,
    private readonly eventTimes: EventTimeRange = DEFAULT_EVENT_TIME_RANGE,
    private readonly marks?: MarkStore,
  ) {}

  /**
   * Stages the valid ticks of one batch.
   * @example const report = await writer.writeBatch(decodeKinesisRecords(event.Records));
   */
  async writeBatch(records: readonly DecodedRecord[]): Promise<BronzeBatchReport> {
    const batch = stageBatch(records, this.eventTimes);
    const stagedKeys: string[] = [];
    let ticks = 0;
    for (const shardTicks of batch.byShard.values()) {
      const key = stagingKey(shardTicks);
      await this.staging.write(key, shardTicks);
      stagedKeys.push(key);
      ticks += shardTicks.length;
    }
    if (this.marks) for (const mark of batch.marks) await this.marks.write(mark);
    return {
      records: records.length,
      ticks,
      invalid: batch.invalid,
      unpartitionable: batch.unpartitionable,
      marks: this.marks ? batch.marks.length : 0,
      stagedKeys,
    };
  }
}
