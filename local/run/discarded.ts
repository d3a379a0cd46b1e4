import { randomUUID } from 'node:crypto';
import {
  FAILED_BATCH_PREFIX,
  failedBatchKey,
  parseFailedBatch,
  ticksIn,
} from '../../shared/adapters/failed-batches/index.js';
import type { ObjectStore } from '../../shared/pipeline/ports.js';
import type { StreamFailureRecord } from './stream.js';

/** What went to the on-failure destination during a run, per consumer. */
export interface DiscardedRecords {
  readonly records: number;
  /**
   * Ticks in those records. The event source mapping gives up on a whole range, so some of them may
   * have been applied before their batch failed: `ticksNotAggregated` is the exact loss.
   */
  readonly ticks: number;
  /** Ticks published that the aggregator never counted (neither valid nor quarantined). */
  readonly ticksNotAggregated: number;
  readonly byConsumer: Readonly<
    Record<string, { readonly mappingId: string; readonly records: number; readonly ticks: number }>
  >;
  /** Failed batches written (one object each). */
  readonly batches: number;
  /**
   * The folder the run's failed batches were copied to, laid out as the S3 on-failure destination
   * (`aws/lambda/<mapping>/<shard>/YYYY/MM/DD/…`): `tickflow dlq replay --dir` reads it.
   */
  readonly dir: string;
}

/**
 * The consumers' on-failure destination, as deployed: an S3 bucket where each batch given up on is
 * written whole, in the object and key Lambda writes (shared/adapters/failed-batches/object.ts), so
 * `tickflow dlq replay` reads a local run's batches and a deployed stack's with the same code. Each
 * consumer is one event source mapping with its own id, as in AWS.
 */
export class FailureDestination {
  private readonly mappings = new Map<string, string>();
  private readonly counts: Record<string, { mappingId: string; records: number; ticks: number }> = {};
  private batches = 0;

  constructor(private readonly bucket: ObjectStore) {}

  async send(consumer: string, record: StreamFailureRecord): Promise<void> {
    const mappingId = this.mappingOf(consumer);
    const lane =
      'KinesisBatchInfo' in record
        ? record.KinesisBatchInfo.shardId
        : (Object.keys(record.KafkaBatchInfo.recordsInfo)[0] ?? 'unknown');
    // Lambda's S3 object holds the invocation event as an escaped JSON string, Kafka's too.
    const object =
      typeof record.payload === 'string' ? record : { ...record, payload: JSON.stringify(record.payload) };
    const key = failedBatchKey(mappingId, lane, new Date(record.timestamp), randomUUID());
    const body = new TextEncoder().encode(JSON.stringify(object));
    const batch = parseFailedBatch(key, body);
    await this.bucket.put(key, body);
    this.batches++;
    const entry = this.counts[consumer] ?? { mappingId, records: 0, ticks: 0 };
    this.counts[consumer] = entry;
    entry.records += batch.records.length;
    entry.ticks += batch.records.reduce((n, r) => n + ticksIn(r.data), 0);
  }

  /** Totals of what was sent. */
  totals(): Omit<DiscardedRecords, 'ticksNotAggregated' | 'dir'> {
    const all = Object.values(this.counts);
    return {
      records: all.reduce((a, c) => a + c.records, 0),
      ticks: all.reduce((a, c) => a + c.ticks, 0),
      byConsumer: { ...this.counts },
      batches: this.batches,
    };
  }

  private mappingOf(consumer: string): string {
    let id = this.mappings.get(consumer);
    if (!id) {
      id = randomUUID();
      this.mappings.set(consumer, id);
    }
    return id;
  }
}

/** Copies every failed batch of `from` to `to` under the same keys (the run's output folder). */
export async function copyFailedBatches(from: ObjectStore, to: ObjectStore): Promise<void> {
  for (const key of await from.list(FAILED_BATCH_PREFIX)) {
    const body = await from.get(key);
    if (body) await to.put(key, body);
  }
}
