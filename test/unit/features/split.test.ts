import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildBarGrid,
  computeFeatures,
  dropWarmup,
  keptRowTimes,
  splitBoundaries,
  splitOf,
  splitRanges,
} from '../../../shared/domain/features/index.js';
import { barAt } from './bar-factory.js';

const STEP = 60_000;
/** Each symbol: ascending, unique minutes. */
const symbolMinutes = fc
  .uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 40 })
  .map((m) => m.sort((a, b) => a - b).map((x) => x * STEP));

describe('global split', () => {
  it('puts b1 and b2 at positions ⌊0.70·N⌋ and ⌊0.85·N⌋ of all rows sorted by window_start', () => {
    fc.assert(
      fc.property(fc.array(symbolMinutes, { minLength: 1, maxLength: 6 }), (symbols) => {
        const all = symbols.flat().sort((a, b) => a - b);
        const b = splitBoundaries(symbols.map((windowStarts) => ({ kind: 'times', windowStarts })));
        if (all.length === 0) {
          expect(b).toBeNull();
          return;
        }
        expect(b).toEqual({
          totalRows: all.length,
          trainEnd: all[Math.floor(0.7 * all.length)],
          validationEnd: all[Math.floor(0.85 * all.length)],
        });
      }),
      { numRuns: 200 },
    );
  });

  it('leaks nothing: max train t < min val t ≤ max val t < min test t, across symbols', () => {
    fc.assert(
      fc.property(fc.array(symbolMinutes, { minLength: 1, maxLength: 6 }), (symbols) => {
        const b = splitBoundaries(symbols.map((windowStarts) => ({ kind: 'times', windowStarts })));
        if (!b) return;
        const bySplit = { train: [] as number[], val: [] as number[], test: [] as number[] };
        for (const times of symbols) {
          const ranges = splitRanges(times, b);
          for (const split of ['train', 'val', 'test'] as const) {
            const rows = times.slice(ranges[split].start, ranges[split].end);
            rows.forEach((t) => {
              expect(splitOf(t, b)).toBe(split);
            });
            bySplit[split].push(...rows);
          }
          expect(ranges.train.start).toBe(0);
          expect(ranges.test.end).toBe(times.length);
        }
        const max = (xs: number[]) => Math.max(...xs);
        const min = (xs: number[]) => Math.min(...xs);
        if (bySplit.train.length && bySplit.val.length)
          expect(max(bySplit.train)).toBeLessThan(min(bySplit.val));
        if (bySplit.val.length && bySplit.test.length)
          expect(max(bySplit.val)).toBeLessThan(min(bySplit.test));
        if (bySplit.train.length && bySplit.test.length)
          expect(max(bySplit.train)).toBeLessThan(min(bySplit.test));
        expect(bySplit.train.length + bySplit.val.length + bySplit.test.length).toBe(b.totalRows);
      }),
      { numRuns: 200 },
    );
  });

  it('computes the same boundaries from spans alone (prepare step) as from the kept rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 200 })), {
          maxLength: 5,
        }),
        (spans) => {
          const fromSpans = splitBoundaries(
            spans.map(([first, len]) =>
              keptRowTimes({ first: first * STEP, last: (first + len) * STEP }, STEP),
            ),
          );
          const fromRows = splitBoundaries(
            spans.map(([first, len]) => {
              const ends =
                len === 0 ? [barAt('S', first, 1)] : [barAt('S', first, 1), barAt('S', first + len, 2)];
              const grid = buildBarGrid(ends, STEP);
              const kept = dropWarmup(computeFeatures(grid)).frame;
              return { kind: 'times' as const, windowStarts: kept.grid.windowStart };
            }),
          );
          expect(fromSpans).toEqual(fromRows);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('warm-up', () => {
  it('drops exactly the first 60 rows of a symbol, counting the filled ones among them', () => {
    const bars = [barAt('A', 0, 1), barAt('A', 10, 2), barAt('A', 99, 3)];
    const warmed = dropWarmup(computeFeatures(buildBarGrid(bars, STEP)));
    expect(warmed.warmupRows).toBe(60);
    expect(warmed.warmupFilledRows).toBe(58);
    expect(warmed.frame.grid.length).toBe(40);
    expect(warmed.frame.grid.windowStart[0]).toBe(60 * STEP);
    expect(warmed.frame.features.close_lag_1.length).toBe(40);
  });

  it('drops a whole grid shorter than the warm-up', () => {
    const warmed = dropWarmup(computeFeatures(buildBarGrid([barAt('A', 0, 1), barAt('A', 20, 2)], STEP)));
    expect(warmed.warmupRows).toBe(21);
    expect(warmed.frame.grid.length).toBe(0);
  });
});
