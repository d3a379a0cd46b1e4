import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupIndex } from '../../../shared/domain/dedup.js';

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
  // A stream-like sequence: ts rises ~50 per event with jitter, ids repeat up to 30 events back
  // (past the horizon of ~20 events), and new ids keep coming so the table is rebuilt many times.
  const events = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -200, max: 200 })), {
      minLength: 100,
      maxLength: 800,
    })
    .map((draws) =>
      draws.map(([back, jitter], i) => ({ id: String(Math.max(0, i - back)), ts: i * 50 + jitter })),
    );

  it('flags exactly the ticks the horizon rule calls duplicates, across table rebuilds', () => {
    fc.assert(
      fc.property(events, (evs) => {
        expect(observeAll(new DedupIndex(), evs)).toEqual(naiveDuplicates(evs));
      }),
      { numRuns: 30 },
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
      { numRuns: 30 },
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
