import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ultimateOscillator } from '../../../shared/domain/features/index.js';
import {
  expectClose,
  TA_LIB_CLOSE,
  TA_LIB_HIGH,
  TA_LIB_LOW,
  TULIP_CLOSE,
  TULIP_HIGH,
  TULIP_LOW,
} from './reference-data.js';

describe('ultimateOscillator', () => {
  it('matches TA-Lib ULTOSC(7, 14, 28) on the regression-test bars, first value at row 28', () => {
    // TA-Lib src/tools/ta_regtest/ta_test_func/test_per_hlc.c, "ULTOSC TEST": begIdx 28; out index
    // 0, 1 and 252−29 (rows 28, 29, 251); four decimals printed.
    const out = ultimateOscillator(TA_LIB_HIGH, TA_LIB_LOW, TA_LIB_CLOSE, [7, 14, 28]);
    expectClose(out[28]!, 47.1713, 4);
    expectClose(out[29]!, 46.2802, 4);
    expectClose(out[251]!, 40.0854, 4);
    for (let t = 0; t < 28; t++) expect(out[t]).toBeNaN();
  });

  it('matches Tulip Indicators ultosc 2 3 5 (first value at row 5)', () => {
    // TulipCharts/tulipindicators tests/untest.txt, "ultosc 2 3 5".
    const expected = [43.499, 34.044, 65.883, 73.955, 53.388, 64.149, 81.282, 90.186, 86.114, 65.45];
    const out = ultimateOscillator(TULIP_HIGH, TULIP_LOW, TULIP_CLOSE, [2, 3, 5]);
    expected.forEach((value, i) => {
      expectClose(out[5 + i]!, value, 3);
    });
  });

  it('is null while a window has only zero true ranges, defined again once one moves', () => {
    const close = Float64Array.from({ length: 60 }, (_, t) => (t < 45 ? 10 : 10 + (t - 44)));
    const out = ultimateOscillator(close, close, close);
    for (let t = 0; t < 45; t++) expect(out[t]).toBeNaN();
    // Row 45 moves: all three windows now contain a non-zero TR.
    for (let t = 45; t < 60; t++) expect(out[t]).toBe(100);
  });

  it('agrees with direct window sums on random bars (1e-9 relative)', () => {
    const bar = fc
      .tuple(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([close, up, down]) => ({ high: close + up, low: Math.max(0.5, close - down), close }));
    fc.assert(
      fc.property(fc.array(bar, { minLength: 1, maxLength: 120 }), (bars) => {
        const high = Float64Array.from(bars, (b) => b.high);
        const low = Float64Array.from(bars, (b) => b.low);
        const close = Float64Array.from(bars, (b) => b.close);
        const out = ultimateOscillator(high, low, close);
        const avg = (t: number, n: number) => {
          let bp = 0;
          let tr = 0;
          for (let k = t - n + 1; k <= t; k++) {
            const trueLow = Math.min(low[k]!, close[k - 1]!);
            bp += close[k]! - trueLow;
            tr += Math.max(high[k]!, close[k - 1]!) - trueLow;
          }
          return tr === 0 ? Number.NaN : bp / tr;
        };
        for (let t = 0; t < bars.length; t++) {
          if (t < 28) expect(out[t]).toBeNaN();
          else {
            const expected = (100 * (4 * avg(t, 7) + 2 * avg(t, 14) + avg(t, 28))) / 7;
            if (Number.isNaN(expected)) expect(out[t]).toBeNaN();
            else
              expect(Math.abs(out[t]! - expected)).toBeLessThanOrEqual(
                1e-9 * Math.max(1, Math.abs(expected)),
              );
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
