import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DecodedRecord, RecordId } from '../pipeline/record-decoder.js';
import { compareSequenceNumbers } from '../pipeline/sequence.js';
import { decodeKafkaRecords, type KafkaEvent, type KafkaItemIdentifier } from './kafka/records.js';
import { decodeKinesisRecords } from './kinesis/records.js';

/**
 * The transport layer of the stream consumers: the one place that knows whether the ticks came from
 * Kinesis or from Kafka (Amazon MSK or self-managed). Everything below it sees `DecodedRecord`s.
 */
export type StreamEvent = KinesisStreamEvent | KafkaEvent;

/** A Kafka partial batch response: each failed record named by its partition and offset. */
export interface KafkaBatchResponse {
  batchItemFailures: { itemIdentifier: KafkaItemIdentifier }[];
}

/** A partial batch response: Kinesis names a failed record by its sequence number, Kafka by partition and offset. */
export type StreamBatchResponse = KinesisStreamBatchResponse | KafkaBatchResponse;

/** A stream consumer's handler: the response has the shape of the event's source. */
export interface StreamHandler {
  (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse>;
  (event: KafkaEvent): Promise<KafkaBatchResponse>;
  (event: StreamEvent): Promise<StreamBatchResponse>;
}

/** Types a handler written once over `StreamEvent` as a `StreamHandler`. */
export function streamHandler(handle: (event: StreamEvent) => Promise<StreamBatchResponse>): StreamHandler {
  return handle as StreamHandler;
}

export function isKafkaEvent(event: StreamEvent): event is KafkaEvent {
  return (
    'eventSource' in event && (event.eventSource === 'aws:kafka' || event.eventSource === 'SelfManagedKafka')
  );
}

/** The event's records in stream order per shard or partition. */
export function decodeStreamEvent(event: StreamEvent): DecodedRecord[] {
  return isKafkaEvent(event) ? decodeKafkaRecords(event) : decodeKinesisRecords(event.Records);
}

/**
 * The partial batch response naming the records to retry. A Kinesis batch holds one shard, so its
 * failures are sequence numbers (the mapping checkpoints before the lowest); a Kafka batch may hold
 * several partitions, so each failure names its partition, and only the lowest offset per partition
 * is reported (everything from it on is redelivered).
 */
export function batchResponse(
  event: KinesisStreamEvent,
  failed: readonly RecordId[],
): KinesisStreamBatchResponse;
export function batchResponse(event: StreamEvent, failed: readonly RecordId[]): StreamBatchResponse;
export function batchResponse(event: StreamEvent, failed: readonly RecordId[]): StreamBatchResponse {
  if (!isKafkaEvent(event)) {
    return { batchItemFailures: failed.map((f) => ({ itemIdentifier: f.sequenceNumber })) };
  }
  const lowest = new Map<string, string>();
  for (const f of failed) {
    const seen = lowest.get(f.shardId);
    if (seen === undefined || compareSequenceNumbers(f.sequenceNumber, seen) < 0)
      lowest.set(f.shardId, f.sequenceNumber);
  }
  return {
    batchItemFailures: [...lowest].map(([partition, offset]) => ({
      itemIdentifier: { partition, offset: Number(offset) },
    })),
  };
}
