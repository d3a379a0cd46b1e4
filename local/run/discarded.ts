import { appendFile, writeFile } from 'node:fs/promises';
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { UsageMeter } from '../../shared/adapters/cost/usage-meter.js';
import { sqsRequests } from '../../shared/cost/index.js';
import type { OnFailureRecord } from '../esm/types.js';
import type { LocalStream, StreamFailureRecord } from './stream.js';

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
 * The consumers' on-failure destination (an SQS queue in AWS): one JSON line per record given up
 * on, in `file`, metered as the SQS requests it would take. The aggregator's lines are the
 * on-failure record as Lambda sends it; the other consumers' carry their name too.
 */
export class FailureDestination {
  private readonly failures: { consumer: string; record: StreamFailureRecord }[] = [];

  private constructor(
    readonly file: string,
    private readonly meter: UsageMeter,
  ) {}

  /** Starts the destination with an empty file. */
  static async create(file: string, meter: UsageMeter): Promise<FailureDestination> {
    await writeFile(file, '');
    return new FailureDestination(file, meter);
  }

  async send(consumer: string, record: StreamFailureRecord): Promise<void> {
    const line = `${JSON.stringify(consumer === 'aggregator' ? record : { consumer, ...record })}\n`;
    this.meter.add('sqs.requests', sqsRequests(Buffer.byteLength(line)));
    this.failures.push({ consumer, record });
    await appendFile(this.file, line);
  }

  /** Totals of what was sent, with the ticks read back from the stream. */
  async totals(stream: LocalStream): Promise<Omit<DiscardedRecords, 'ticksNotAggregated'>> {
    const byConsumer: Record<string, { records: number; ticks: number }> = {};
    for (const { consumer, record } of this.failures) {
      const entry = byConsumer[consumer] ?? { records: 0, ticks: 0 };
      byConsumer[consumer] = entry;
      entry.records +=
        'KinesisBatchInfo' in record ? record.KinesisBatchInfo.batchSize : record.KafkaBatchInfo.batchSize;
      entry.ticks += await stream.ticksInFailure(record);
    }
    const all = Object.values(byConsumer);
    return {
      records: all.reduce((a, c) => a + c.records, 0),
      ticks: all.reduce((a, c) => a + c.ticks, 0),
      byConsumer,
      file: this.file,
    };
  }
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

/** Ticks in one record's payload: a JSON array's length, 0 for a watermark mark, else 1. */
export function ticksIn(data: Uint8Array): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    if (Array.isArray(parsed)) return parsed.length;
    return (parsed as { tickflow?: string } | null)?.tickflow === 'watermark' ? 0 : 1;
  } catch {
    return 1; // not JSON (or KPL): one payload the pipeline would quarantine
  }
}
