import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ema } from '../../../shared/domain/features/index.js';
import { TA_LIB_CLOSE } from './reference-data.js';

// Expected values: TA-Lib src/tools/ta_regtest/ta_test_func/test_ma.c, "EMA TEST - Classic"
// (TA_COMPATIBILITY_DEFAULT, period 10 and 2), https://github.com/TA-Lib/ta-lib. TA-Lib prints two
// decimals, truncated or rounded, so the tolerance is one hundredth.
const TA_LIB_TOLERANCE = 0.01;

describe('ema (TA-Lib default: SMA seed at row period−1)', () => {
  it('matches TA-Lib EMA(10) on the regression-test closes', () => {
    const out = ema(TA_LIB_CLOSE, 10);
    const expected: [number, number][] = [
      [9, 93.22],
      [10, 93.75],
      [29, 86.46],
      [251, 108.97],
    ];
    for (const [row, value] of expected)
      expect(Math.abs(out[row]! - value)).toBeLessThanOrEqual(TA_LIB_TOLERANCE);
  });

  it('matches TA-Lib EMA(2): first value at row 1, last at row 251', () => {
    const out = ema(TA_LIB_CLOSE, 2);
    expect(Math.abs(out[1]! - 93.15)).toBeLessThanOrEqual(TA_LIB_TOLERANCE);
    expect(Math.abs(out[2]! - 93.96)).toBeLessThanOrEqual(TA_LIB_TOLERANCE);
    expect(Math.abs(out[251]! - 108.21)).toBeLessThanOrEqual(TA_LIB_TOLERANCE);
  });

  it('is null before row period−1 and the plain mean of the first period closes at that row', () => {
    const out = ema(TA_LIB_CLOSE, 12);
    for (let t = 0; t < 11; t++) expect(out[t]).toBeNaN();
    const seed = TA_LIB_CLOSE.subarray(0, 12).reduce((a, b) => a + b, 0) / 12;
    expect(out[11]).toBeCloseTo(seed, 12);
  });

  it('is all null when the series is shorter than the period', () => {
    expect([...ema(Float64Array.of(1, 2, 3), 5)].every(Number.isNaN)).toBe(true);
  });

  it('agrees with a direct α-recurrence on random closes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (closes, period) => {
          const out = ema(Float64Array.from(closes), period);
          let reference = Number.NaN;
          for (let t = 0; t < closes.length; t++) {
            if (t < period - 1) expect(out[t]).toBeNaN();
            else {
              if (t === period - 1) {
                let s = 0;
                for (let k = 0; k < period; k++) s += closes[k]!;
                reference = s / period;
              } else reference = (2 / (period + 1)) * closes[t]! + (1 - 2 / (period + 1)) * reference;
              expect(Math.abs(out[t]! - reference)).toBeLessThanOrEqual(1e-9 * reference);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
