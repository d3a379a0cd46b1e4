import { decodeRecordPayload, elementText } from '../domain/tick.js';
import type { EventTimeRange } from '../domain/tick-bounds.js';
import type { TickField } from '../domain/tick-fields.js';
import type { TickOrigin } from '../domain/types.js';
import type { OriginMark, OriginTick } from './ports.js';

/**
 * Where a record sits in the stream: a Kinesis shard and sequence number, or a Kafka
 * `<topic>-<partition>` and offset (as a decimal string). Sequence numbers grow within a shard.
 */
export interface RecordId {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** One stream record after transport decoding (base64, KPL de-aggregation). */
export interface DecodedRecord extends RecordId {
  readonly arrivalTime: number;
  /** UTF-8 payloads: one, or one per KPL user record. */
  readonly payloads: readonly string[];
}

/** A candidate tick that failed validation, with the text the quarantine keeps. */
export interface RejectedCandidate {
  readonly reason: string;
  readonly field?: TickField;
  readonly raw: string;
  readonly origin: TickOrigin;
}

/** What one candidate of a record is: a valid tick, a rejected one, or a watermark mark. */
export type Candidate = OriginTick | RejectedCandidate | OriginMark;

/**
 * Walks every candidate tick of the records in stream order, each with its origin: the one
 * numbering of ticks that the aggregator and the bronze layer share, so a tick has the same
 * identity (shard, sequence number, sub_index) in bars' late output, quarantine and bronze.
 * `subIndex` counts every candidate of a record, valid or not, across KPL user records and
 * JSON-array elements; a watermark mark takes none. A callback rather than an iterator: this runs
 * once per tick on the hot path.
 */
export function forEachCandidate(
  records: readonly DecodedRecord[],
  eventTimes: EventTimeRange,
  visit: (candidate: Candidate, source: CandidateSource) => void,
): void {
  const source = { payload: '', elements: undefined as readonly unknown[] | undefined, index: 0 };
  for (const record of records) {
    let subIndex = 0;
    for (const payload of record.payloads) {
      const decoded = decodeRecordPayload(payload, eventTimes);
      source.payload = payload;
      source.index = 0;
      if (decoded.kind === 'watermark') {
        source.elements = undefined;
        visit({ mark: decoded.mark, origin: originOf(record, subIndex) }, source);
        continue;
      }
      source.elements = decoded.elements;
      const validations = decoded.ticks;
      for (let i = 0; i < validations.length; i++) {
        const v = validations[i]!;
        const origin = originOf(record, subIndex++);
        source.index = i;
        if (v.ok) visit({ tick: v.tick, origin }, source);
        else visit({ reason: v.reason, field: v.field, raw: rawText(source), origin }, source);
      }
    }
  }
}

/**
 * Where the visited candidate sits in its payload, for a caller that rejects a valid tick and must
 * quarantine its raw text (`rawText`). One object reused for every candidate: read it during the visit.
 */
export interface CandidateSource {
  readonly payload: string;
  /** The elements of a JSON-array payload; undefined for a single object. */
  readonly elements: readonly unknown[] | undefined;
  readonly index: number;
}

/** The raw text the quarantine keeps for a candidate: its array element, or the whole payload. */
export function rawText(source: CandidateSource): string {
  return source.elements ? elementText(source.elements[source.index]) : source.payload;
}

/** Where candidate tick `subIndex` of a record came from. */
export function originOf(record: DecodedRecord, subIndex: number): TickOrigin {
  return {
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    subIndex,
    arrivalTime: record.arrivalTime,
  };
}
