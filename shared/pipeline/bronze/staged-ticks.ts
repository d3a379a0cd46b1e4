import { DEFAULT_EVENT_TIME_RANGE, type EventTimeRange } from '../../domain/tick-bounds.js';
import type { OriginMark, OriginTick } from '../ports.js';
import { type DecodedRecord, forEachCandidate } from '../record-decoder.js';
import { isPartitionable } from './hour-files.js';

/** What one batch of records gives the bronze layer. */
export interface StagedBatch {
  /** Valid ticks with their origin, per shard, in stream order. */
  readonly byShard: Map<string, OriginTick[]>;
  /** Candidate ticks that failed validation (the aggregator quarantines them). */
  readonly invalid: number;
  /** Valid ticks whose `ts` has no lake date (years outside 0000–9999): counted, not staged. */
  readonly unpartitionable: number;
  /** The idle flush's watermark marks, with their position among the ticks (kept for backfill). */
  readonly marks: OriginMark[];
}

/**
 * Decodes the payloads of a batch into the valid ticks the bronze layer keeps, numbered by the
 * decoder the aggregator uses (`forEachCandidate`), so a tick has the same identity in bronze, late
 * and quarantine outputs.
 */
export function stageBatch(
  records: readonly DecodedRecord[],
  eventTimes: EventTimeRange = DEFAULT_EVENT_TIME_RANGE,
): StagedBatch {
  const byShard = new Map<string, OriginTick[]>();
  let invalid = 0;
  let unpartitionable = 0;
  const marks: OriginMark[] = [];
  forEachCandidate(records, eventTimes, (c) => {
    if ('mark' in c) {
      // No tick, but where it sits among the ticks decides lateness: kept apart for backfill.
      if (isPartitionable(c.mark.watermark)) marks.push(c);
      return;
    }
    if (!('tick' in c)) invalid++;
    else if (!isPartitionable(c.tick.ts)) unpartitionable++;
    else {
      const list = byShard.get(c.origin.shardId);
      if (list) list.push(c);
      else byShard.set(c.origin.shardId, [c]);
    }
  });
  return { byShard, invalid, unpartitionable, marks };
}
