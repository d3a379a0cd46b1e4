import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupIndex } from '../../../shared/domain/dedup.js';

const HORIZON = 1_000;

/** The rule read literally: a duplicate when any earlier tick with the id has ts ≥ maxTs(before) − horizon. */
function naiveDuplicates(events: readonly { id: string; ts: number }[]): boolean[] {
  let maxTs = Number.NEGATIVE_INFINITY;
  return events.map((event, i) => {
    const duplicate = events.slice(0, i).some((e) => e.id === event.id && e.ts >= maxTs - HORIZON);
    maxTs = Math.max(maxTs, event.ts);
    return duplicate;
  });
}

function observeAll(
  index: DedupIndex,
  events: readonly { id: string; ts: number }[],
  maxTs = Number.NEGATIVE_INFINITY,
) {
  const verdicts: boolean[] = [];
  for (const { id, ts } of events) {
    verdicts.push(index.observe(id, ts, maxTs - HORIZON));
    maxTs = Math.max(maxTs, ts);
  }
  return verdicts;
}

describe('DedupIndex', () => {
  // Enough distinct ids to force many table rebuilds (the table rebuilds when half full, from 64 slots).
  const events = fc.array(
    fc.record({
      id: fc.integer({ min: 0, max: 3_000 }).map(String),
      ts: fc.integer({ min: 0, max: 20_000 }),
    }),
    { minLength: 500, maxLength: 3_000 },
  );

  it('flags exactly the ticks the horizon rule calls duplicates, across table rebuilds', () => {
    fc.assert(
      fc.property(events, (evs) => {
        expect(observeAll(new DedupIndex(), evs)).toEqual(naiveDuplicates(evs));
      }),
      { numRuns: 15 },
    );
  });

  it('continues identically after a round trip through live() at any point', () => {
    fc.assert(
      fc.property(events, fc.nat(), (evs, cut) => {
        const split = cut % (evs.length + 1);
        const head = evs.slice(0, split);
        const first = new DedupIndex();
        observeAll(first, head);
        const maxTs = Math.max(Number.NEGATIVE_INFINITY, ...head.map((e) => e.ts));
        const restored = DedupIndex.from(JSON.parse(JSON.stringify(first.live(maxTs - HORIZON))));
        expect(observeAll(restored, evs.slice(split), maxTs)).toEqual(naiveDuplicates(evs).slice(split));
      }),
      { numRuns: 15 },
    );
  });

  it('keeps in live() only ids whose latest ts is inside the horizon, sorted by id', () => {
    const index = new DedupIndex();
    index.observe('b', 5_000, Number.NEGATIVE_INFINITY);
    index.observe('a', 4_000, 5_000 - HORIZON);
    index.observe('c', 3_999, 5_000 - HORIZON);
    expect(index.live(5_000 - HORIZON)).toEqual([
      ['a', 4_000],
      ['b', 5_000],
    ]);
  });
});
