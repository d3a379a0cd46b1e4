import { describe, expect, it } from 'vitest';
import { aggregateAll, aggregatorConfig, parseIntervals } from '../../../shared/domain/index.js';
import type { Tick } from '../../../shared/domain/types.js';
import { compareArrival, replaySymbol } from '../../../shared/pipeline/backfill/index.js';
import type { OriginMark, OriginTick, SymbolItem } from '../../../shared/pipeline/ports.js';

const T0 = Date.UTC(2024, 0, 2, 10);
const input = {
  symbol: 'S',
  from: '2024-01-02',
  to: '2024-01-02',
  intervals: ['1m'],
  allowedLatenessMs: 0,
  dedupHorizonMs: 0,
};
const at = (sequenceNumber: string, subIndex: number) => ({
  shardId: 'shardId-000',
  sequenceNumber,
  subIndex,
  arrivalTime: T0,
});
const tick = (ts: number, seq: string, sub = 0, id?: string): OriginTick => ({
  tick: { symbol: 'S', ts, price: 100 + ts / 1_000, size: 1, ...(id && { id }) },
  origin: at(seq, sub),
});

describe('backfill replay', () => {
  it('orders items by sequence number numerically, then position; a mark before the tick that took its position', () => {
    const mark: OriginMark = { mark: { symbol: 'S', watermark: 1 }, origin: at('10', 1) };
    const items: SymbolItem[] = [tick(1, '100'), tick(2, '10', 1), mark, tick(3, '10', 0), tick(4, '9')];
    expect([...items].sort(compareArrival).map((i) => ('mark' in i ? 'mark' : i.tick.ts))).toEqual([
      4,
      3,
      'mark',
      2,
      1,
    ]);
  });

  it('gives the bars a replay of the same ticks in arrival order gives, whatever order bronze stored them in', () => {
    const arrived = [
      tick(T0 + 1_000, '1'),
      tick(T0 + 61_000, '2', 0, 'a'),
      tick(T0 + 30_000, '2', 1),
      tick(T0 + 61_500, '3', 0, 'a'),
    ];
    const replay = replaySymbol([...arrived].reverse(), input);
    const expected = aggregateAll(
      arrived.map((t) => t.tick as Tick),
      aggregatorConfig({ intervals: parseIntervals(['1m']), allowedLatenessMs: 0, dedupHorizonMs: 0 }),
    );
    expect(replay.bars).toEqual(expected.bars);
    expect(replay.duplicates).toBe(1);
    // With no lateness the tick of 10:00:30 arrived after 10:01:01 and is late, with its stream position.
    expect(replay.late).toEqual([expect.objectContaining({ interval: '1m', origin: at('2', 1) })]);
  });

  it('applies a watermark mark where it arrived: it closes the window before a later tick can reach it', () => {
    const mark: OriginMark = { mark: { symbol: 'S', watermark: T0 + 60_000 }, origin: at('2', 0) };
    const items: SymbolItem[] = [tick(T0 + 1_000, '1'), mark, tick(T0 + 2_000, '3')];
    const replay = replaySymbol(items, { ...input, allowedLatenessMs: 600_000, dedupHorizonMs: 600_000 });
    expect(replay.bars.map((b) => b.tradeCount)).toEqual([1]);
    expect(replay.late).toHaveLength(1);
  });
});
