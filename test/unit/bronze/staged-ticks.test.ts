import { describe, expect, it } from 'vitest';
import { stageBatch } from '../../../shared/pipeline/bronze/staged-ticks.js';
import { record, seq, T0 } from '../../support/bronze/factories.js';

const tick = (symbol: string, ts: number, price: number | string, id?: string) =>
  JSON.stringify({ symbol, ts, price, size: 1, ...(id === undefined ? {} : { id }) });

describe('stageBatch', () => {
  it('keeps only valid ticks and counts the invalid ones', () => {
    const batch = stageBatch([
      record(seq(1), [tick('AAA', T0, 10)]),
      record(seq(2), ['not json']),
      record(seq(3), [tick('AAA', T0, -1)]),
      record(seq(4), [tick('BBB', T0 + 1, '11.5', 'x1')]),
    ]);
    const staged = batch.byShard.get('shardId-000000000000')!;
    expect(staged.map((t) => [t.tick.symbol, t.tick.price, t.tick.id, t.origin.sequenceNumber])).toEqual([
      ['AAA', 10, undefined, seq(1)],
      ['BBB', 11.5, 'x1', seq(4)],
    ]);
    expect(batch.invalid).toBe(2);
    expect(batch.unpartitionable).toBe(0);
  });

  it('numbers sub-indexes over every candidate of a record, invalid ones included, as the aggregator does', () => {
    const packed = `[${tick('AAA', T0, 10)},${tick('AAA', T0, 0)},${tick('AAA', T0 + 2, 12)}]`;
    const batch = stageBatch([record(seq(7), [packed, tick('AAA', T0 + 3, 13)])]);
    const staged = batch.byShard.get('shardId-000000000000')!;
    expect(staged.map((t) => [t.tick.price, t.origin.subIndex])).toEqual([
      [10, 0],
      [12, 2],
      [13, 3],
    ]);
    expect(batch.invalid).toBe(1);
  });

  it('carries shard, sequence number and arrival time, one list per shard', () => {
    const batch = stageBatch([
      record(seq(1), [tick('AAA', T0, 10)], 'shardId-000000000001'),
      record(seq(2), [tick('AAA', T0, 11)], 'shardId-000000000002'),
    ]);
    expect([...batch.byShard.keys()]).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    expect(batch.byShard.get('shardId-000000000002')![0]!.origin).toEqual({
      shardId: 'shardId-000000000002',
      sequenceNumber: seq(2),
      subIndex: 0,
      arrivalTime: T0 + 1000,
    });
  });

  it('counts valid ticks whose ts has no lake date instead of staging them', () => {
    const farFuture = 8_000_000_000_000_000; // year ≈ 255,000: a safe integer, but no YYYY-MM-DD
    // The default plausible event times refuse it outright; a range configured that wide admits it.
    const wide = { fromMs: 0, toMs: 9_000_000_000_000_000 };
    const batch = stageBatch([record(seq(1), [tick('AAA', farFuture, 10), tick('AAA', T0, 10)])], wide);
    expect(batch.unpartitionable).toBe(1);
    expect(batch.byShard.get('shardId-000000000000')!.map((t) => t.tick.ts)).toEqual([T0]);
  });
});
