import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildBarGrid,
  CLOSE_HISTORY_ROWS,
  closeLag,
  closeLagView,
  computeFeatures,
  InvalidParameterError,
  logReturns,
  meanReturn,
  nestedMeanReturns,
  sliceGrid,
} from '../../../shared/domain/features/index.js';
import { barAt } from './bar-factory.js';

/** Independent reference: the mean of values[t−w+1 … t], summed left to right. */
function referenceMean(values: ArrayLike<number>, t: number, w: number): number {
  let sum = 0;
  for (let k = t - w + 1; k <= t; k++) sum += values[k]!;
  return sum / w;
}

/** Log returns in regimes of very different scale and level: calm after storm, storm after calm. */
const regimeSeries = fc
  .tuple(
    fc.array(
      fc.record({
        scale: fc.constantFrom(1e-8, 1e-5, 1e-3, 1e-1, 1),
        level: fc.constantFrom(0, 1e-3, 1, 1e4, -1e4),
        length: fc.integer({ min: 1, max: 90 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    fc.integer({ min: 1, max: 2 ** 31 - 2 }),
  )
  .map(([regimes, seed]) => {
    let s = seed;
    const next = () => {
      s = (s * 48271) % 2147483647;
      return s / 2147483647 - 0.5;
    };
    const values = [Number.NaN];
    for (const r of regimes) for (let i = 0; i < r.length; i++) values.push(r.level + r.scale * next());
    return Float64Array.from(values);
  });

describe('nestedMeanReturns (mean_return 5/10/20 from shared window sums)', () => {
  it('equals meanReturn per window within the summation bound, adversarial regimes included', () => {
    fc.assert(
      fc.property(regimeSeries, (series) => {
        const n = series.length;
        const outs = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
        nestedMeanReturns(series, [5, 10, 20], outs);
        [5, 10, 20].forEach((w, i) => {
          const single = meanReturn(series, w);
          for (let t = 0; t < Math.min(w, n); t++) expect(outs[i]![t]).toBeNaN();
          for (let t = w; t < n; t++) {
            const ref = referenceMean(series, t, w);
            // Each side sums exactly the window's w values (in another order): each is within
            // (w−1)·ε/2·Σ|x| of the exact mean, Σ|x| ≤ w·largest.
            const largest = Math.max(...Array.from(series.subarray(t - w + 1, t + 1), Math.abs));
            const bound = 2 * w * Number.EPSILON * largest;
            expect(Math.abs(outs[i]![t]! - ref)).toBeLessThanOrEqual(bound);
            expect(Math.abs(outs[i]![t]! - single[t]!)).toBeLessThanOrEqual(bound);
            // Where the window does not cancel, that bound is far inside 1e-9 relative.
            if (Math.abs(ref) * w >= largest) {
              expect(Math.abs(outs[i]![t]! - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref));
            }
          }
        });
      }),
      { numRuns: 40 },
    );
  });

  it('leaves no residue of a spike once it has left the window', () => {
    const lr = new Float64Array(200).fill(1e-6);
    lr[0] = Number.NaN;
    lr[50] = 1e6;
    const outs = [new Float64Array(200), new Float64Array(200), new Float64Array(200)];
    nestedMeanReturns(lr, [5, 10, 20], outs);
    for (let t = 70; t < 200; t++) for (const out of outs) expect(out[t]).toBeCloseTo(1e-6, 20);
  });

  it('rejects a window that is not a multiple of the one before', () => {
    const lr = logReturns(Float64Array.from({ length: 40 }, (_, i) => 100 + i));
    const outs = [new Float64Array(40), new Float64Array(40)];
    expect(() => nestedMeanReturns(lr, [5, 12], outs)).toThrow(InvalidParameterError);
  });
});

describe('grid memory layout', () => {
  const bars = [0, 1, 2, 4, 5, 9].map((minute) => barAt('A', minute, 100 + minute));

  it('windowEnd is windowStart + step on every row, the last included', () => {
    const grid = buildBarGrid(bars, 60_000);
    expect(grid.windowEnd.length).toBe(grid.length);
    for (let i = 0; i < grid.length; i++) expect(grid.windowEnd[i]).toBe(grid.windowStart[i]! + 60_000);
  });

  it('close lags of a built grid are views of its close column with exactly closeLag’s values', () => {
    const grid = buildBarGrid(bars, 60_000);
    for (let k = 1; k <= CLOSE_HISTORY_ROWS; k++) {
      const view = closeLagView(grid.close, k);
      expect(view.buffer).toBe(grid.close.buffer);
      expect([...view]).toEqual([...closeLag(grid.close, k)]);
    }
  });

  it('close lags of a slice or a plain array are copies, still equal to closeLag', () => {
    const grid = buildBarGrid(bars, 60_000);
    const slice = sliceGrid(grid, 6, 10).close;
    const plain = Float64Array.from([1, 2, 3, 4, 5, 6, 7]);
    for (const close of [slice, plain]) {
      for (let k = 1; k <= 5; k++) {
        const lag = closeLagView(close, k);
        expect(lag.buffer).not.toBe(close.buffer);
        expect([...lag]).toEqual([...closeLag(close, k)]);
      }
    }
  });

  it('frames of a grid shorter than the longest lag still have all-null lag columns', () => {
    const frame = computeFeatures(buildBarGrid([barAt('A', 0, 10), barAt('A', 1, 11)], 60_000));
    expect([...frame.features.close_lag_1]).toEqual([Number.NaN, 10]);
    expect([...frame.features.close_lag_5]).toEqual([Number.NaN, Number.NaN]);
  });
});
