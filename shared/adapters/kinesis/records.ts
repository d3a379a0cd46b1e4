import type { KinesisStreamRecord } from 'aws-lambda';
import type { DecodedRecord } from '../../pipeline/record-decoder.js';
import { payloadText as textOf } from '../payload-text.js';
import { deaggregate, isKplAggregate, KplFormatError } from './kpl.js';

/**
 * Turns the records of a Lambda Kinesis event into payload texts: base64-decoded, KPL aggregates
 * split into their user records. Bytes that are not UTF-8 (or a corrupt KPL aggregate) become a
 * payload the validator rejects, carrying the bytes as base64, so the record is quarantined, not lost.
 */
export function decodeKinesisRecords(records: readonly KinesisStreamRecord[]): DecodedRecord[] {
  return records.map((r) => {
    const bytes = Buffer.from(r.kinesis.data, 'base64');
    return {
      shardId: shardIdOf(r),
      sequenceNumber: r.kinesis.sequenceNumber,
      arrivalTime: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
      payloads: payloadsOf(bytes),
    };
  });
}

function payloadsOf(bytes: Uint8Array): string[] {
  if (isKplAggregate(bytes)) {
    try {
      return deaggregate(bytes).map((u) => textOf(u.data));
    } catch (err) {
      if (err instanceof KplFormatError) return [`base64:${Buffer.from(bytes).toString('base64')}`];
      throw err;
    }
  }
  return [textOf(bytes)];
}

/** `eventID` is `shardId-000000000000:4954…`; the shard id is the part before the colon. */
export function shardIdOf(record: KinesisStreamRecord): string {
  const colon = record.eventID.indexOf(':');
  return colon > 0 ? record.eventID.slice(0, colon) : record.eventID;
}
