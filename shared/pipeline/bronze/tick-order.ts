import type { OriginTick } from '../ports.js';
import { compareSequenceNumbers } from '../sequence.js';

/**
 * Identity of a raw tick in the stream: (shard, sequence number, position in the record). A record is
 * stored in one shard under one sequence number, so two rows with the same identity are the same tick
 * delivered twice (a retried or differently split batch), never two trades.
 */
export function tickIdentity(t: OriginTick): string {
  return positionIdentity(t.origin.shardId, t.origin.sequenceNumber, t.origin.subIndex);
}

/** {@link tickIdentity} from the identity columns alone (a reader of `shard_id`, `sequence_number`, `sub_index`). */
export function positionIdentity(shardId: string, sequenceNumber: string, subIndex: number): string {
  return `${shardId}\u0000${sequenceNumber}\u0000${subIndex}`;
}

/**
 * Total order of the rows of a compacted file: event time, then shard, sequence number (numerically)
 * and sub-index. Rewriting a file from the same ticks therefore gives the same bytes.
 */
export function compareTicks(a: OriginTick, b: OriginTick): number {
  if (a.tick.ts !== b.tick.ts) return a.tick.ts - b.tick.ts;
  const { origin: x } = a;
  const { origin: y } = b;
  if (x.shardId !== y.shardId) return x.shardId < y.shardId ? -1 : 1;
  const bySequence = compareSequenceNumbers(x.sequenceNumber, y.sequenceNumber);
  return bySequence !== 0 ? bySequence : x.subIndex - y.subIndex;
}

export interface MergedTicks {
  /** Existing ∪ staged, one row per identity, in {@link compareTicks} order. */
  readonly ticks: OriginTick[];
  /** Staged rows that were new to the file. */
  readonly added: number;
  /** Staged rows dropped because their identity was already in the file or earlier in `staged`. */
  readonly duplicatesDropped: number;
}

/**
 * Merges staged ticks into the rows of an existing file, deduplicated by {@link tickIdentity}. Existing
 * rows win over staged ones (they are the same tick). Idempotent: merging the same staged rows again adds
 * nothing.
 * @example mergeTicks(existing, staged).ticks // sorted, unique
 */
export function mergeTicks(existing: readonly OriginTick[], staged: readonly OriginTick[]): MergedTicks {
  const byIdentity = new Map<string, OriginTick>();
  for (const t of existing) byIdentity.set(tickIdentity(t), t);
  const before = byIdentity.size;
  for (const t of staged) {
    const id = tickIdentity(t);
    if (!byIdentity.has(id)) byIdentity.set(id, t);
  }
  const added = byIdentity.size - before;
  return {
    ticks: [...byIdentity.values()].sort(compareTicks),
    added,
    duplicatesDropped: staged.length - added,
  };
}
