import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildBarGrid,
  DuplicateWindowError,
  MisalignedWindowError,
  MixedSeriesError,
} from '../../../shared/domain/features/index.js';
import { barAt } from './bar-factory.js';

describe('buildBarGrid (forward fill)', () => {
  it('fills a missing window with the previous close, volume 0, trade_count 0, vwap null', () => {
    const grid = buildBarGrid([barAt('A', 3, 12), barAt('A', 0, 10)], 60_000);
    expect(grid.length).toBe(4);
    expect([...grid.windowStart]).toEqual([0, 60_000, 120_000, 180_000]);
    expect([...grid.filled]).toEqual([0, 1, 1, 0]);
    for (const i of [1, 2]) {
      expect([grid.open[i], grid.high[i], grid.low[i], grid.close[i]]).toEqual([10, 10, 10, 10]);
      expect(grid.volume[i]).toBe(0);
      expect(grid.tradeCount[i]).toBe(0);
      expect(grid.vwap[i]).toBeNaN();
    }
    expect(grid.close[3]).toBe(12);
    expect(grid.vwap[3]).toBe(12);
  });

  it('keeps a real bar whose vwap is null as null, not filled', () => {
    const grid = buildBarGrid([{ ...barAt('A', 0, 5), vwap: null, volume: 0 }], 60_000);
    expect(grid.vwap[0]).toBeNaN();
    expect(grid.filled[0]).toBe(0);
  });

  it('ends each row, filled ones too, one window length after its start (5m_1m: 5 minutes)', () => {
    const sliding = (minute: number, close: number) => ({
      ...barAt('A', minute, close),
      interval: '5m_1m',
      windowEnd: (minute + 5) * 60_000,
    });
    const grid = buildBarGrid([sliding(0, 10), sliding(3, 12)], 60_000);
    expect([...grid.windowStart]).toEqual([0, 1, 2, 3].map((m) => m * 60_000));
    expect([...grid.windowEnd]).toEqual([5, 6, 7, 8].map((m) => m * 60_000));
    expect([...buildBarGrid([sliding(7, 1)], 60_000).windowEnd]).toEqual([12 * 60_000]);
    expect([...buildBarGrid([barAt('A', 0, 1), barAt('A', 2, 1)], 60_000).windowEnd]).toEqual(
      [1, 2, 3].map((m) => m * 60_000),
    );
  });

  it('refuses bars of different window lengths, or a length that is not a multiple of the step', () => {
    const long = { ...barAt('A', 1, 1), windowEnd: 4 * 60_000 };
    expect(() => buildBarGrid([barAt('A', 0, 1), long], 60_000)).toThrow(MixedSeriesError);
    expect(() => buildBarGrid([{ ...barAt('A', 0, 1), windowEnd: 90_000 }], 60_000)).toThrow(
      'window length "a multiple of the step 60000 ms" and "90000 ms" are mixed',
    );
  });

  it('gives an empty grid for no bars', () => {
    expect(buildBarGrid([], 60_000).length).toBe(0);
  });

  it('rejects mixed symbols, duplicate windows and window starts off the grid', () => {
    expect(() => buildBarGrid([barAt('A', 0, 1), barAt('B', 1, 1)], 60_000)).toThrow(MixedSeriesError);
    expect(() => buildBarGrid([barAt('A', 0, 1), { ...barAt('A', 1, 1), interval: '5m' }], 60_000)).toThrow(
      MixedSeriesError,
    );
    expect(() => buildBarGrid([barAt('A', 2, 1), barAt('A', 2, 2)], 60_000)).toThrow(DuplicateWindowError);
    expect(() =>
      buildBarGrid([barAt('A', 0, 1), { ...barAt('A', 1, 1), windowStart: 90_000 }], 60_000),
    ).toThrow(MisalignedWindowError);
  });

  it('equals a minute-by-minute reference for any set of minutes, in any order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 60, maxLength: 60 }),
        (minutes, closes) => {
          const bars = minutes.map((m, i) => barAt('S', m, closes[i]!));
          const grid = buildBarGrid(bars, 60_000);
          const byMinute = new Map(bars.map((b) => [b.windowStart / 60_000, b]));
          const first = Math.min(...minutes);
          const last = Math.max(...minutes);
          expect(grid.length).toBe(last - first + 1);
          const expected: number[][] = [];
          let previousClose = Number.NaN;
          for (let m = first; m <= last; m++) {
            const bar = byMinute.get(m);
            const close = bar ? bar.close : previousClose;
            expected.push([m * 60_000, bar ? 0 : 1, close, bar ? bar.open : close, bar ? bar.volume : 0]);
            previousClose = close;
          }
          const actual = expected.map((_, i) => [
            grid.windowStart[i],
            grid.filled[i],
            grid.close[i],
            grid.open[i],
            grid.volume[i],
          ]);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
