import { aggregatorConfig, parseIntervals } from '../../domain/index.js';
import type { Bar } from '../../domain/types.js';
import { applyItems, withOrigins } from '../apply-items.js';
import { domainEngineFactory } from '../domain-engine.js';
import type { LateEntry, SymbolItem } from '../ports.js';
import { compareSequenceNumbers } from '../sequence.js';
import type { SymbolBackfillInput } from './types.js';

/** What one symbol's history gives: every final bar and late tick, as a replay ends (all windows flushed). */
export interface SymbolReplay {
  readonly bars: Bar[];
  readonly late: LateEntry[];
  readonly duplicates: number;
  readonly ticks: number;
}

/**
 * The order the stream delivered a symbol's items in: by sequence number within its shard, then by
 * position in the record (a mark sits before the tick that took its position). A symbol lives on one
 * shard (its partition key); across a reshard, sequence numbers of the child shards follow the parent's.
 */
export function compareArrival(a: SymbolItem, b: SymbolItem): number {
  const bySequence = compareSequenceNumbers(a.origin.sequenceNumber, b.origin.sequenceNumber);
  if (bySequence !== 0) return bySequence;
  if (a.origin.subIndex !== b.origin.subIndex) return a.origin.subIndex - b.origin.subIndex;
  if ('mark' in a !== 'mark' in b) return 'mark' in a ? -1 : 1;
  return a.origin.shardId < b.origin.shardId ? -1 : a.origin.shardId > b.origin.shardId ? 1 : 0;
}

/**
 * Replays one symbol's bronze items through the streaming path's own engine and item application
 * (shared/pipeline/apply-items.ts over shared/domain's SymbolAggregator), in arrival order, then
 * flushes: the same bars, late ticks and duplicates the stream computes for the same settings.
 */
export function replaySymbol(items: readonly SymbolItem[], input: SymbolBackfillInput): SymbolReplay {
  const config = aggregatorConfig({
    intervals: parseIntervals(input.intervals),
    allowedLatenessMs: input.allowedLatenessMs,
    dedupHorizonMs: input.dedupHorizonMs,
  });
  const ordered = [...items].sort(compareArrival);
  const engine = domainEngineFactory(config).create(input.symbol);
  // Processing time only feeds the idle flush, which a replay never runs.
  const ticks = applyItems(engine, ordered, 0);
  engine.flush();
  const out = engine.drain();
  return {
    bars: out.closed,
    late: withOrigins(input.symbol, out.late, ordered),
    duplicates: out.duplicates,
    ticks,
  };
}
