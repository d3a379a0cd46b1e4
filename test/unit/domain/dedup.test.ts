import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupIndex } from '../../../shared/domain/dedup.js';
import type { Tick } from '../../../shared/domain/types.js';

const HORIZON = 1_000;

/** The rule read literally: a duplicate when any earlier tick with the id has ts ≥ maxTs(before) − horizon. */
function naiveDuplicates(events: readonly { id: string; ts: number }[]): boolean[] {
  let maxTs = Number.NEGATIVE_INFINITY;
  return events.map((event, i) => {
    let duplicate = false;
    for (let j = 0; j < i; j++)
      if (events[j]!.id === event.id && events[j]!.ts >= maxTs - HORIZON) duplicate = true;
    maxTs = Math.max(maxTs, event.ts);
    return duplicate;
  });
}

/** Feeds the events as the aggregator does: observe, then tell the index a new max ts. */
function observeAll(index: DedupIndex, events: readonly { id: string; ts: number }[]) {
  return events.map(({ id, ts }) => {
    const duplicate = index.observe(tick(id, ts));
    index.advance(ts);
    return duplicate;
  });
}

function tick(id: string, ts: number): Tick {
  return { symbol: 'ETH', ts, price: 1, size: 1, id };
}

describe('DedupIndex', () => {
  // A stream-like sequence: ts rises ~50 per event with jitter, ids repeat up to 30 events back
  // (past the horizon of ~20 events), and new ids keep coming so the tables rotate many times.
  const events = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -200, max: 200 })), {
      minLength: 100,
      maxLength: 800,
    })
    .map((draws) =>
      draws.map(([back, jitter], i) => ({ id: String(Math.max(0, i - back)), ts: i * 50 + jitter })),
    );

  it('flags exactly the ticks the horizon rule calls duplicates, across table generations', () => {
    fc.assert(
      fc.property(events, (evs) => {
        expect(observeAll(new DedupIndex(HORIZON), evs)).toEqual(naiveDuplicates(evs));
      }),
      { numRuns: 30 },
    );
  });

  it('continues identically after a round trip through live() at any point', () => {
    fc.assert(
      fc.property(events, fc.nat(), (evs, cut) => {
        const split = cut % (evs.length + 1);
        const head = evs.slice(0, split);
        const first = new DedupIndex(HORIZON);
        observeAll(first, head);
        const maxTs = Math.max(Number.NEGATIVE_INFINITY, ...head.map((e) => e.ts));
        const restored = DedupIndex.from(JSON.parse(JSON.stringify(first.live())), HORIZON, maxTs);
        expect(observeAll(restored, evs.slice(split))).toEqual(naiveDuplicates(evs).slice(split));
      }),
      { numRuns: 30 },
    );
  });

  it('grows for a burst of ids inside one horizon, and they expire with it', () => {
    // 5,000 distinct ids in 500 ms, each seen twice: every second sighting is a duplicate.
    const burst = Array.from({ length: 5_000 }, (_, i) => ({
      id: `burst-${i}`,
      ts: 10_000 + Math.floor(i / 10),
    }));
    // Then a slow stream far past the horizon: a repeated burst id is no longer a duplicate.
    const later = Array.from({ length: 200 }, (_, i) => ({
      id: i % 2 === 0 ? `later-${i}` : `burst-${i}`,
      ts: 20_000 + i * 100,
    }));
    const evs = [...burst, ...burst, ...later];
    const index = new DedupIndex(HORIZON);
    expect(observeAll(index, evs)).toEqual(naiveDuplicates(evs));
    const live = index.live();
    expect(live.length).toBe(11); // the ticks of the last 1,000 ms
    expect(live.every(([, ts]) => ts >= 20_000 + 199 * 100 - HORIZON)).toBe(true);
  });

  it('never calls a tick without an id a duplicate', () => {
    const index = new DedupIndex(HORIZON);
    const bare: Tick = { symbol: 'ETH', ts: 1_000, price: 1, size: 1 };
    expect([index.observe(bare), index.observe(bare)]).toEqual([false, false]);
    expect(index.live()).toEqual([]);
  });

  it('keeps in live() only ids whose latest ts is inside the horizon, sorted by id', () => {
    const index = new DedupIndex(HORIZON);
    observeAll(index, [
      { id: 'b', ts: 5_000 },
      { id: 'a', ts: 4_000 },
      { id: 'c', ts: 3_999 },
    ]);
    expect(index.live()).toEqual([
      ['a', 4_000],
      ['b', 5_000],
    ]);
  });
});
