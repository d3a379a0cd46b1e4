import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTicks, mergeTicks, tickIdentity } from '../../../shared/pipeline/bronze/tick-order.js';
import type { OriginTick } from '../../../shared/pipeline/ports.js';
import { originTick, seq, T0 } from '../../support/bronze/factories.js';

/** Ticks whose content is a function of their identity, as in the stream. */
const arbTick: fc.Arbitrary<OriginTick> = fc
  .record({
    shard: fc.integer({ min: 0, max: 2 }),
    n: fc.integer({ min: 1, max: 40 }),
    sub: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ shard, n, sub }) =>
    originTick(
      { ts: T0 + ((n * 7919 + sub * 31) % 50) * 1000, price: n + sub / 10 },
      { shardId: `shardId-00000000000${shard}`, sequenceNumber: seq(n * 1000 + shard), subIndex: sub },
    ),
  );

describe('mergeTicks', () => {
  it('drops staged rows already in the file and rows staged twice, and counts them', () => {
    const a = originTick({ ts: T0 }, { sequenceNumber: seq(1) });
    const b = originTick({ ts: T0 + 1 }, { sequenceNumber: seq(2) });
    const c = originTick({ ts: T0 + 2 }, { sequenceNumber: seq(3) });
    const merged = mergeTicks([a, b], [{ ...b }, c, { ...c }]);
    expect(merged.ticks.map(tickIdentity)).toEqual([a, b, c].map(tickIdentity));
    expect(merged).toMatchObject({ added: 1, duplicatesDropped: 2 });
  });

  it('sorts by ts, then shard, sequence number (numerically) and sub-index', () => {
    const rows = [
      originTick({ ts: T0 + 1 }, { sequenceNumber: '1' }),
      originTick({ ts: T0 }, { shardId: 'shardId-000000000001', sequenceNumber: '2' }),
      originTick({ ts: T0 }, { sequenceNumber: '10' }),
      originTick({ ts: T0 }, { sequenceNumber: '9', subIndex: 1 }),
      originTick({ ts: T0 }, { sequenceNumber: '9', subIndex: 0 }),
    ];
    expect(
      mergeTicks([], rows).ticks.map(
        (t) => `${t.tick.ts - T0}/${t.origin.shardId.at(-1)}/${t.origin.sequenceNumber}/${t.origin.subIndex}`,
      ),
    ).toEqual(['0/0/9/0', '0/0/9/1', '0/0/10/0', '0/1/2/0', '1/0/1/0']);
  });

  it('is idempotent, insensitive to order and to how the rows were split (property)', () => {
    fc.assert(
      fc.property(fc.array(arbTick, { maxLength: 60 }), fc.array(arbTick, { maxLength: 60 }), (x, y) => {
        const once = mergeTicks(x, y);
        expect(mergeTicks(once.ticks, y).added).toBe(0);
        expect(mergeTicks(once.ticks, y).ticks).toEqual(once.ticks);
        expect(mergeTicks(mergeTicks([], y).ticks, x).ticks).toEqual(once.ticks);
        expect(mergeTicks([], [...y].reverse().concat(x)).ticks).toEqual(once.ticks);
        const ids = once.ticks.map(tickIdentity);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set([...x, ...y].map(tickIdentity)));
        for (let i = 1; i < once.ticks.length; i++)
          expect(compareTicks(once.ticks[i - 1]!, once.ticks[i]!)).toBeLessThan(0);
      }),
    );
  });
});
