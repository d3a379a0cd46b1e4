import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { onFailureEnvelope } from './invoke.js';
import type { FailureCondition, OnFailureRecord } from './types.js';

/**
 * Builds the records of a Kinesis event exactly as Lambda delivers them
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-event-example),
 * and the on-failure destination record for discarded ones.
 */

/** Lambda's synchronous invocation payload limit; batches are cut to fit. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** `{"Records":[]}` around the records. */
export const EVENT_ENVELOPE_BYTES = '{"Records":[]}'.length;

export interface StreamIdentity {
  readonly streamArn: string;
  readonly region: string;
  readonly invokeIdentityArn: string;
}

/** A record as delivered, with what the runner needs to batch and expire it. */
export interface DeliverableRecord {
  readonly event: KinesisStreamRecord;
  /** Bytes this record adds to the invoke payload (its JSON plus a comma). */
  readonly payloadBytes: number;
  /** ApproximateArrivalTimestamp, epoch ms. */
  readonly arrivalMs: number;
  /** performance.now() when the runner read it (batching window). */
  readonly readAt: number;
  /** Invocations that carried this record so far: > 0 means the next one is a redelivery. */
  deliveries: number;
}

export function toDeliverable(
  record: KinesisRecord,
  shardId: string,
  stream: StreamIdentity,
  readAt: number,
): DeliverableRecord {
  const arrivalMs = record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
  const sequenceNumber = record.SequenceNumber!;
  const event: KinesisStreamRecord = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey!,
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: stream.invokeIdentityArn,
    awsRegion: stream.region,
    eventSourceARN: stream.streamArn,
  };
  return {
    event,
    payloadBytes: Buffer.byteLength(JSON.stringify(event)) + 1,
    arrivalMs,
    readAt,
    deliveries: 0,
  };
}

/**
 * How many of `records` (from `start`) fit into one invocation of at most `maxCount` records.
 * Always at least one: a single Kinesis record (≤ 1 MB) always fits in 6 MB.
 */
export function countFittingPayload(
  records: readonly DeliverableRecord[],
  start: number,
  maxCount: number,
): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  let count = 0;
  const end = Math.min(records.length, start + maxCount);
  for (let i = start; i < end; i++) {
    bytes += records[i]!.payloadBytes;
    if (bytes > MAX_INVOKE_PAYLOAD_BYTES && count > 0) break;
    count++;
  }
  return count;
}

export interface DiscardedBatch {
  readonly shardId: string;
  readonly records: readonly DeliverableRecord[];
  readonly condition: FailureCondition;
  readonly approximateInvokeCount: number;
  readonly functionArn: string;
  readonly streamArn: string;
  readonly requestId: string;
  readonly functionError?: string;
  readonly now: Date;
}

/** The JSON document Lambda sends to an on-failure destination for discarded Kinesis records. */
export function toOnFailureRecord(discarded: DiscardedBatch): OnFailureRecord {
  const first = discarded.records[0]!;
  const last = discarded.records[discarded.records.length - 1]!;
  return {
    ...onFailureEnvelope(discarded),
    KinesisBatchInfo: {
      shardId: discarded.shardId,
      startSequenceNumber: first.event.kinesis.sequenceNumber,
      endSequenceNumber: last.event.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize: discarded.records.length,
      streamArn: discarded.streamArn,
    },
    payload: JSON.stringify({ Records: discarded.records.map((r) => r.event) }),
  };
}
