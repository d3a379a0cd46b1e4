import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { williamsR } from '../../../shared/domain/features/index.js';
import {
  expectClose,
  TA_LIB_CLOSE,
  TA_LIB_HIGH,
  TA_LIB_LOW,
  TULIP_CLOSE,
  TULIP_HIGH,
  TULIP_LOW,
} from './reference-data.js';

describe('williamsR', () => {
  it('matches TA-Lib WILLR(14) on the regression-test bars', () => {
    // TA-Lib src/tools/ta_regtest/ta_test_func/test_per_hlc.c, "WILLR TEST" (begIdx 13; out index
    // 0 → row 13, 112 → row 125; single-row tests at rows 24, 25, 26, 251); four decimals printed.
    const out = williamsR(TA_LIB_HIGH, TA_LIB_LOW, TA_LIB_CLOSE, 14);
    for (const [row, value] of [
      [13, -90.1943],
      [14, -66.9903],
      [24, -89.2857],
      [25, -97.2602],
      [26, -71.5482],
      [125, 0],
      [251, -59.1515],
    ] as const) {
      expectClose(out[row]!, value, 4);
    }
    for (let t = 0; t < 13; t++) expect(out[t]).toBeNaN();
  });

  it('matches Tulip Indicators willr 5 (first value at row 4)', () => {
    // TulipCharts/tulipindicators tests/untest.txt, "willr 5".
    const expected = [
      -7.477, -23.006, -40.927, -15.5, -11.417, -23.704, -10.278, -0.935, -3.051, -5.793, -17.884,
    ];
    const out = williamsR(TULIP_HIGH, TULIP_LOW, TULIP_CLOSE, 5);
    expected.forEach((value, i) => {
      expectClose(out[4 + i]!, value, 3);
    });
  });

  it('is null when the highest high equals the lowest low (TA-Lib returns 0)', () => {
    const flat = new Float64Array(20).fill(7);
    const out = williamsR(flat, flat, flat, 14);
    for (let t = 0; t < 20; t++) expect(out[t]).toBeNaN();
  });

  it('agrees with a scan of the last 14 rows on random bars', () => {
    const bar = fc
      .tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }))
      .map(([mid, up, down]) => ({ high: mid + up, low: mid - down / 10, close: mid }));
    fc.assert(
      fc.property(
        fc.array(bar, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 20 }),
        (bars, p) => {
          const out = williamsR(
            Float64Array.from(bars, (b) => b.high),
            Float64Array.from(bars, (b) => b.low),
            Float64Array.from(bars, (b) => b.close),
            p,
          );
          bars.forEach((b, t) => {
            if (t < p - 1) {
              expect(out[t]).toBeNaN();
              return;
            }
            const window = bars.slice(t - p + 1, t + 1);
            const hh = Math.max(...window.map((w) => w.high));
            const ll = Math.min(...window.map((w) => w.low));
            if (hh === ll) expect(out[t]).toBeNaN();
            else expect(out[t]).toBeCloseTo((-100 * (hh - b.close)) / (hh - ll), 9);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
