import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rsi } from '../../../shared/domain/features/index.js';
import { expectClose, TA_LIB_CLOSE, TULIP_CLOSE } from './reference-data.js';

describe('rsi (Wilder)', () => {
  it('matches TA-Lib RSI(14) on the regression-test closes', () => {
    // TA-Lib src/tools/ta_regtest/ta_test_func/test_rsi.c, "RSI TEST": begIdx 14, values at out
    // index 0, 1, 2 and 252−15 (rows 14, 15, 16, 251); two decimals printed.
    const out = rsi(TA_LIB_CLOSE, 14);
    for (const [row, value] of [
      [14, 49.14],
      [15, 52.32],
      [16, 46.07],
      [251, 49.63],
    ] as const) {
      expect(Math.abs(out[row]! - value)).toBeLessThanOrEqual(0.01);
    }
    for (let t = 0; t < 14; t++) expect(out[t]).toBeNaN();
  });

  it('matches Tulip Indicators rsi 5 (first value at row 5)', () => {
    // TulipCharts/tulipindicators tests/untest.txt, "rsi 5".
    const expected = [72.034, 64.927, 75.936, 79.796, 74.713, 83.033, 87.478, 88.755, 91.483, 78.498];
    const out = rsi(TULIP_CLOSE, 5);
    expected.forEach((value, i) => {
      expectClose(out[5 + i]!, value, 3);
    });
  });

  it('is 50 on a flat stretch (TA-Lib returns 0 there; docs/features.md keeps 50)', () => {
    const out = rsi(new Float64Array(30).fill(42), 14);
    for (let t = 14; t < 30; t++) expect(out[t]).toBe(50);
  });

  it('is 100 when there are only gains', () => {
    const out = rsi(
      Float64Array.from({ length: 30 }, (_, i) => 100 + i),
      14,
    );
    for (let t = 14; t < 30; t++) expect(out[t]).toBe(100);
  });

  it('agrees with 100 − 100/(1 + gain/loss) over a plain Wilder loop on random closes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 16, maxLength: 120 }),
        (closes) => {
          const out = rsi(Float64Array.from(closes), 14);
          let gain = 0;
          let loss = 0;
          for (let t = 1; t < closes.length; t++) {
            const c = closes[t]! - closes[t - 1]!;
            const g = Math.max(c, 0);
            const l = c < 0 ? -c : 0;
            if (t <= 14) {
              gain += g / 14;
              loss += l / 14;
            } else {
              gain = (gain * 13 + g) / 14;
              loss = (loss * 13 + l) / 14;
            }
            if (t < 14) continue;
            const expected = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
            expect(out[t]).toBeCloseTo(expected, 8);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
