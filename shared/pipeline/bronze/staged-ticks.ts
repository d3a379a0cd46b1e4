import { decodeRecordPayload } from '../../domain/tick.js';
import { DEFAULT_EVENT_TIME_RANGE, type EventTimeRange } from '../../domain/tick-bounds.js';
import { type DecodedRecord, originOf } from '../aggregation-service.js';
import type { OriginTick } from '../ports.js';
import { isPartitionable } from './hour-files.js';

/** What one batch of records gives the bronze layer. */
export interface StagedBatch {
  /** Valid ticks with their origin, per shard, in stream order. */
  readonly byShard: Map<string, OriginTick[]>;
  /** Candidate ticks that failed validation (the aggregator quarantines them). */
  readonly invalid: number;
  /** Valid ticks whose `ts` has no lake date (years outside 0000–9999): counted, not staged. */
  readonly unpartitionable: number;
}

/**
 * Decodes the payloads of a batch into the valid ticks the bronze layer keeps. `subIndex` numbers every
 * candidate tick of a record (valid or not, across KPL user records and JSON-array elements) exactly as
 * the aggregator does, so a tick has the same identity in bronze, late and quarantine outputs.
 */
export function stageBatch(
  records: readonly DecodedRecord[],
  eventTimes: EventTimeRange = DEFAULT_EVENT_TIME_RANGE,
): StagedBatch {
  const byShard = new Map<string, OriginTick[]>();
  let invalid = 0;
  let unpartitionable = 0;
  for (const record of records) {
    let subIndex = 0;
    for (const payload of record.payloads) {
      const decoded = decodeRecordPayload(payload, eventTimes);
      if (decoded.kind === 'watermark') continue; // the idle flush's marks are no ticks
      for (const validation of decoded.ticks) {
        const origin = originOf(record, subIndex++);
        if (!validation.ok) invalid++;
        else if (!isPartitionable(validation.tick.ts)) unpartitionable++;
        else {
          const list = byShard.get(record.shardId);
          if (list) list.push({ tick: validation.tick, origin });
          else byShard.set(record.shardId, [{ tick: validation.tick, origin }]);
        }
      }
    }
  }
  return { byShard, invalid, unpartitionable };
}
