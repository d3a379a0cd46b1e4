import type { MSKEvent, MSKRecord, SelfManagedKafkaEvent } from 'aws-lambda';
import type { DecodedRecord } from '../../pipeline/record-decoder.js';
import { payloadText } from '../payload-text.js';

/** A Lambda event from an Amazon MSK or a self-managed Kafka event source mapping (same record shape). */
export type KafkaEvent = MSKEvent | SelfManagedKafkaEvent;

/**
 * Turns the records of a Lambda Kafka event into the records the pipeline applies, the Kafka twin of
 * `decodeKinesisRecords`: the event's `records` are grouped under `<topic>-<partition>`, which becomes
 * the record's shard, and the offset its sequence number, so exactly-once state keys
 * (topic-partition, offset) where Kinesis keys (shard, sequence number). Within a partition the
 * records keep offset order. The value is base64; a value that is not UTF-8 becomes a payload the
 * validator rejects, and a record without a value (a tombstone) an empty one: quarantined, not lost.
 * The arrival time is the record's Kafka timestamp: the broker's clock when the topic uses
 * `message.timestamp.type=LogAppendTime`, the producer's otherwise (the live clock check compares
 * tick times with it; see docs/kafka.md).
 */
export function decodeKafkaRecords(event: KafkaEvent): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const [partitionKey, records] of Object.entries(event.records)) {
    const ordered = isOffsetOrdered(records) ? records : [...records].sort((a, b) => a.offset - b.offset);
    for (const r of ordered) {
      out.push({
        shardId: partitionKey,
        sequenceNumber: String(r.offset),
        arrivalTime: r.timestamp,
        payloads: [
          r.value === undefined || r.value === null ? '' : payloadText(Buffer.from(r.value, 'base64')),
        ],
      });
    }
  }
  return out;
}

function isOffsetOrdered(records: readonly MSKRecord[]): boolean {
  for (let i = 1; i < records.length; i++) if (records[i]!.offset <= records[i - 1]!.offset) return false;
  return true;
}

/** What a Kafka event source mapping takes as a failed item: the partition (`<topic>-<partition>`) and the offset. */
export interface KafkaItemIdentifier {
  readonly partition: string;
  readonly offset: number;
}
