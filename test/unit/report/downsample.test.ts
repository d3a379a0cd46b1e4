/**
 * Downsampling keeps a chart within its candle budget without inventing or losing anything: every
 * candle is the true OHLCV of the bars it merges, and the budget is never exceeded.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candleStart, groupSize, mergeBars, sampleFeatures } from '../../../shared/report/downsample.js';
import type { ReportBar } from '../../../shared/report/types.js';

const MINUTE = 60_000;
const bar = (
  minute: number,
  open: number,
  close: number,
  volume = 1,
  vwap: number | null = open,
): ReportBar => ({
  t: minute * MINUTE,
  open,
  high: Math.max(open, close) + 1,
  low: Math.min(open, close) - 1,
  close,
  volume,
  vwap,
  trades: 2,
});

describe('groupSize', () => {
  it('is 1 when the bars fit, and the smallest group that fits otherwise', () => {
    expect(groupSize(0, 99 * MINUTE, MINUTE, 100)).toBe(1);
    expect(groupSize(0, 1439 * MINUTE, MINUTE, 500)).toBe(3);
    // Epoch alignment can need one more group than the span alone: 10 minutes from minute 1 in groups
    // of 2 start at 0 and end at 10, 6 candles.
    expect(groupSize(1 * MINUTE, 10 * MINUTE, MINUTE, 5)).toBe(3);
  });

  it('never gives more epoch-aligned candles than the budget (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom(1_000, MINUTE, 5 * MINUTE),
        fc.integer({ min: 1, max: 2_000 }),
        (first, span, step, max) => {
          const firstMs = first * step;
          const lastMs = firstMs + span * step;
          const g = groupSize(firstMs, lastMs, step, max);
          const candles = (candleStart(lastMs, step, g) - candleStart(firstMs, step, g)) / (g * step) + 1;
          expect(candles).toBeLessThanOrEqual(max);
          if (g > 1) {
            const fewer = g - 1;
            const more =
              (candleStart(lastMs, step, fewer) - candleStart(firstMs, step, fewer)) / (fewer * step) + 1;
            expect(more).toBeGreaterThan(max);
          }
        },
      ),
    );
  });
});

describe('mergeBars', () => {
  it('merges epoch-aligned groups into true OHLCV bars: first open, last close, extremes, Σ volume, weighted VWAP', () => {
    const bars = [
      bar(1, 10, 11, 1, 10.5),
      bar(2, 11, 9, 3, 10),
      bar(3, 9, 12, 0, null),
      bar(5, 12, 13, 2, 12.5),
    ];
    expect(mergeBars(bars, MINUTE, 3)).toEqual([
      { t: 0, open: 10, high: 12, low: 8, close: 9, volume: 4, vwap: (10.5 * 1 + 10 * 3) / 4, trades: 4 },
      { t: 3 * MINUTE, open: 9, high: 14, low: 8, close: 13, volume: 2, vwap: 12.5, trades: 4 },
    ]);
  });

  it('gives a null VWAP to a candle without volume, and returns the bars as they are for a group of 1', () => {
    const bars = [bar(0, 1, 2, 0, null), bar(1, 2, 3, 0, null)];
    expect(mergeBars(bars, MINUTE, 2)[0]!.vwap).toBeNull();
    expect(mergeBars(bars, MINUTE, 1)).toEqual(bars);
  });

  it('conserves volume and trades and keeps every price inside the candle (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (minutes, group) => {
          const bars = minutes
            .sort((a, b) => a - b)
            .map((m, i) => bar(m, 100 + (i % 7), 100 + (i % 5), i % 4));
          const candles = mergeBars(bars, MINUTE, group);
          expect(candles.reduce((n, c) => n + c.volume, 0)).toBe(bars.reduce((n, b) => n + b.volume, 0));
          expect(candles.reduce((n, c) => n + c.trades, 0)).toBe(bars.reduce((n, b) => n + b.trades, 0));
          for (const b of bars) {
            const c = candles.find((x) => x.t === candleStart(b.t, MINUTE, group))!;
            expect(c.high).toBeGreaterThanOrEqual(b.high);
            expect(c.low).toBeLessThanOrEqual(b.low);
          }
          expect(new Set(candles.map((c) => c.t)).size).toBe(candles.length);
        },
      ),
    );
  });
});

describe('sampleFeatures', () => {
  it('adds log returns over a candle and keeps the last volatility and RSI', () => {
    const row = (minute: number, r: number | null, rsi: number) => ({
      t: minute * MINUTE,
      logReturn: r,
      volatility10: rsi / 1000,
      volatility30: null,
      volatility60: null,
      rsi14: rsi,
    });
    const sampled = sampleFeatures(
      [row(0, 0.01, 40), row(1, null, 45), row(2, 0.02, 50), row(4, -0.01, 60)],
      MINUTE,
      3,
    );
    expect(sampled).toEqual([
      { t: 0, logReturn: 0.03, volatility10: 0.05, volatility30: null, volatility60: null, rsi14: 50 },
      {
        t: 3 * MINUTE,
        logReturn: -0.01,
        volatility10: 0.06,
        volatility30: null,
        volatility60: null,
        rsi14: 60,
      },
    ]);
  });
});
