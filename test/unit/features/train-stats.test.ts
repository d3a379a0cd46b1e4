import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnStat } from '../../../shared/domain/features/index.js';

describe('columnStat (train-only normalisation statistics)', () => {
  it('skips nulls and uses the sample std (n − 1)', () => {
    const s = columnStat(Float64Array.of(2, Number.NaN, 4, 4, 4, 5, 5, 7, 9, 1000), 9);
    expect(s.count).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('is null-mean for no values and null-std for one', () => {
    expect(columnStat(Float64Array.of(Number.NaN), 1)).toEqual({ count: 0, mean: null, std: null });
    expect(columnStat(Float64Array.of(3), 1)).toEqual({ count: 1, mean: 3, std: null });
  });

  it('agrees with a two-pass reference on price-level values (1e-9 relative)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(Number.NaN), fc.double({ min: 1e4, max: 1e4 + 1, noNaN: true })), {
          maxLength: 200,
        }),
        (values) => {
          const s = columnStat(Float64Array.from(values), values.length);
          const xs = values.filter((x) => !Number.isNaN(x));
          expect(s.count).toBe(xs.length);
          if (xs.length < 2) return;
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
          expect(Math.abs(s.mean! - mean)).toBeLessThanOrEqual(1e-12 * mean);
          expect(Math.abs(s.std! - std)).toBeLessThanOrEqual(1e-9 * std + 1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });
});
