import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logReturns, meanReturn, rollingVolatility } from '../../../shared/domain/features/index.js';
import { expectClose, TULIP_CLOSE } from './reference-data.js';

/** Independent reference: mean and two-pass sample std of values[t−w+1 … t]. */
function reference(values: ArrayLike<number>, t: number, w: number): { mean: number; std: number } {
  let sum = 0;
  for (let k = t - w + 1; k <= t; k++) sum += values[k]!;
  const mean = sum / w;
  let ss = 0;
  for (let k = t - w + 1; k <= t; k++) ss += (values[k]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (w - 1)) };
}

/** Our functions take log returns, whose row 0 is null: shift a plain series by one row. */
function asReturns(values: ArrayLike<number>): Float64Array {
  return Float64Array.from([Number.NaN, ...Array.from(values)]);
}

describe('rollingVolatility and meanReturn', () => {
  it('match Tulip Indicators stddev 5 (×√(5/4): Tulip divides by n) and sma 5', () => {
    // TulipCharts/tulipindicators tests/untest.txt, "stddev 5" (population) and "sma 5".
    const stddev = [0.948, 0.875, 0.28, 0.423, 0.605, 0.671, 0.871, 0.926, 1.019, 1.174, 0.758];
    const sma = [82.426, 82.738, 83.094, 83.318, 83.628, 83.778, 84.254, 84.994, 85.574, 86.218, 86.804];
    const series = asReturns(TULIP_CLOSE);
    const vol = rollingVolatility(series, 5);
    const mean = meanReturn(series, 5);
    stddev.forEach((value, i) => {
      expectClose(vol[5 + i]! * Math.sqrt(4 / 5), value, 3);
    });
    sma.forEach((value, i) => {
      expectClose(mean[5 + i]!, value, 3);
    });
  });

  it('are null until row w: the first log return is at row 1', () => {
    const lr = logReturns(Float64Array.from({ length: 80 }, (_, i) => 100 + Math.sin(i)));
    for (const w of [10, 30, 60]) {
      const vol = rollingVolatility(lr, w);
      const mean = meanReturn(lr, w);
      for (let t = 0; t < w; t++) expect(vol[t]).toBeNaN();
      for (let t = 0; t < w; t++) expect(mean[t]).toBeNaN();
      expect(vol[w]).not.toBeNaN();
      expect(mean[w]).not.toBeNaN();
    }
  });

  it('give exactly 0 volatility over a forward-filled (flat) stretch, even after large moves', () => {
    const close = Float64Array.from({ length: 200 }, (_, i) => (i < 50 ? 100 * 1.5 ** (i % 3) : 123.456));
    const vol = rollingVolatility(logReturns(close), 10);
    for (let t = 60; t < 200; t++) expect(vol[t]).toBe(0);
  });

  it('stay within 1e-9 relative error of a two-pass reference, calm after storm included', () => {
    const regime = fc.record({
      scale: fc.constantFrom(1e-8, 1e-5, 1e-3, 1e-1, 1),
      level: fc.constantFrom(0, 1e-3, 1, 1e4),
      length: fc.integer({ min: 1, max: 90 }),
    });
    fc.assert(
      fc.property(
        fc.array(regime, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 2 ** 31 - 2 }),
        (regimes, seed) => {
          let s = seed;
          const next = () => {
            s = (s * 48271) % 2147483647;
            return s / 2147483647 - 0.5;
          };
          const values = [Number.NaN];
          for (const r of regimes) for (let i = 0; i < r.length; i++) values.push(r.level + r.scale * next());
          const series = Float64Array.from(values);
          for (const w of [2, 10, 30, 60]) {
            const vol = rollingVolatility(series, w);
            const mean = meanReturn(series, w);
            for (let t = w; t < values.length; t++) {
              const ref = reference(values, t, w);
              // A window's values may all be equal: then the reference std is 0 and so must ours be, up
              // to the rounding of the reference's own mean.
              const stdTolerance = 1e-9 * ref.std + 1e-15 * Math.abs(ref.mean);
              expect(Math.abs(vol[t]! - ref.std)).toBeLessThanOrEqual(stdTolerance);
              // Both sides sum w values: each may be off by w·ε of the window's largest value.
              const largest = Math.max(...values.slice(t - w + 1, t + 1).map(Math.abs));
              expect(Math.abs(mean[t]! - ref.mean)).toBeLessThanOrEqual(4 * w * Number.EPSILON * largest);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('do not drift over a year of minutes', () => {
    const n = 525_600;
    const lr = new Float64Array(n);
    lr[0] = Number.NaN;
    for (let t = 1; t < n; t++) lr[t] = 1e-3 * Math.sin(t * 0.37) + (t % 1000 === 0 ? 0.5 : 0);
    const vol = rollingVolatility(lr, 60);
    const mean = meanReturn(lr, 20);
    for (const t of [60, 1000, 1001, 250_000, n - 1]) {
      const v = reference(lr, t, 60);
      const m = reference(lr, t, 20);
      expect(Math.abs(vol[t]! - v.std)).toBeLessThanOrEqual(1e-9 * v.std);
      expect(Math.abs(mean[t]! - m.mean)).toBeLessThanOrEqual(1e-15);
    }
  });
});
