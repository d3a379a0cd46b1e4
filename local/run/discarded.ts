import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { OnFailureRecord } from '../esm/types.js';

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
  readonly byConsumer: Readonly<Record<string, { readonly records: number; readonly ticks: number }>>;
  /** The destination file: one on-failure record (shard and sequence range) per line. */
  readonly file: string;
}

/**
 * Counts the ticks in the records an on-failure message points at, by reading that sequence range
 * back from the stream (the message itself, as in AWS, carries only the shard and the range). A
 * record holds one tick (a JSON object), several (a JSON array), or none (a watermark mark).
 */
export async function ticksInDiscardedRange(
  kinesis: KinesisClient,
  streamName: string,
  failure: OnFailureRecord,
): Promise<number> {
  const info = failure.KinesisBatchInfo;
  const end = BigInt(info.endSequenceNumber);
  let iterator = (
    await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: info.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: info.startSequenceNumber,
      }),
    )
  ).ShardIterator;
  let ticks = 0;
  while (iterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = page.Records ?? [];
    for (const r of records) {
      if (BigInt(r.SequenceNumber!) > end) return ticks;
      ticks += ticksIn(r.Data!);
    }
    if (records.length === 0) return ticks;
    iterator = page.NextShardIterator;
  }
  return ticks;
}

function ticksIn(data: Uint8Array): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    if (Array.isArray(parsed)) return parsed.length;
    return (parsed as { tickflow?: string } | null)?.tickflow === 'watermark' ? 0 : 1;
  } catch {
    return 1; // not JSON (or KPL): one payload the pipeline would quarantine
  }
}
