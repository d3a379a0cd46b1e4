import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  DuplicateSymbolSummaryError,
  engineerSymbolFeatures,
  FEATURE_NAMES,
  featureRow,
  keptRowTimes,
  ManifestCountMismatchError,
  splitBoundaries,
  WARMUP_ROWS,
} from '../../../shared/domain/features/index.js';
import type { Bar } from '../../../shared/domain/types.js';
import { barAt } from './bar-factory.js';

const STEP = 60_000;

/** A random-walk symbol over [firstMinute, firstMinute + minutes), every `gapEvery`-th minute missing. */
function walk(symbol: string, firstMinute: number, minutes: number, gapEvery: number): Bar[] {
  const bars: Bar[] = [];
  let close = 100;
  for (let m = firstMinute; m < firstMinute + minutes; m++) {
    close *= 1 + 0.001 * Math.sin(m * 1.7);
    if ((m - firstMinute) % gapEvery === 3) continue;
    bars.push(barAt(symbol, m, close));
  }
  return bars;
}

describe('engineerSymbolFeatures + buildManifest', () => {
  const series = { A: walk('A', 0, 300, 7), B: walk('B', 100, 250, 11), C: walk('C', 40, 50, 5) };
  const spans = Object.values(series).map((bars) => ({
    first: bars[0]!.windowStart,
    last: bars[bars.length - 1]!.windowStart,
  }));
  const boundaries = splitBoundaries(spans.map((s) => keptRowTimes(s, STEP)));
  const results = Object.values(series).map((bars) =>
    engineerSymbolFeatures(bars, { stepMs: STEP, boundaries }),
  );
  const manifest = buildManifest({
    interval: '1m',
    stepMs: STEP,
    range: { from: 0, to: 400 * STEP },
    warmupRowsPerSymbol: WARMUP_ROWS,
    boundaries,
    symbols: results.map((r) => r.summary),
  });

  it('defines every feature on every kept row of a moving series', () => {
    const a = results[0]!;
    for (let i = 0; i < a.frame.grid.length; i++) {
      const row = featureRow(a.frame, i);
      for (const name of FEATURE_NAMES) expect(row[name], `${name} at kept row ${i}`).not.toBeNull();
    }
  });

  it('counts grid, warm-up, split and filled rows per symbol and in total', () => {
    const [a, b, c] = manifest.symbols;
    expect(a!.gridRows).toBe(300);
    expect(b!.gridRows).toBe(250);
    expect(c!.gridRows).toBe(50); // shorter than the warm-up: all dropped
    expect(a!.warmupRows + b!.warmupRows + c!.warmupRows).toBe(60 + 60 + 50);
    expect(c!.rows).toEqual({ train: 0, val: 0, test: 0 });
    expect(manifest.totals.rows.train + manifest.totals.rows.val + manifest.totals.rows.test).toBe(240 + 190);
    expect(manifest.totals.rows.train).toBeGreaterThan(0);
    expect(manifest.totals.warmupRows).toBe(170);
    const filledA = Math.floor((300 - 4) / 7) + 1;
    const f = a!.filledRows;
    expect(f.warmup + f.train + f.val + f.test).toBe(filledA);
    expect(manifest.split.boundaries?.totalRows).toBe(430);
    expect(manifest.features).toEqual(FEATURE_NAMES);
  });

  it('holds train-only statistics: the mean of close_lag_1 over A’s train rows', () => {
    const a = results[0]!;
    const train = a.frame.features.close_lag_1.subarray(a.ranges.train.start, a.ranges.train.end);
    const mean = train.reduce((s, x) => s + x, 0) / train.length;
    expect(a.summary.stats.close_lag_1.count).toBe(train.length);
    expect(a.summary.stats.close_lag_1.mean).toBeCloseTo(mean, 10);
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('rejects a duplicate symbol and rows that do not add up to the boundaries’ N', () => {
    const input = {
      interval: '1m',
      stepMs: STEP,
      range: { from: 0, to: 1 },
      warmupRowsPerSymbol: 60,
      boundaries,
    };
    expect(() => buildManifest({ ...input, symbols: [results[0]!.summary, results[0]!.summary] })).toThrow(
      DuplicateSymbolSummaryError,
    );
    expect(() => buildManifest({ ...input, symbols: [results[0]!.summary] })).toThrow(
      ManifestCountMismatchError,
    );
  });
});

describe('a year of 1-minute bars for one symbol', () => {
  it('computes every feature over 525,600 rows within a bounded amount of memory', () => {
    const bars = walk('Y', 0, 525_600, 13);
    const before = process.memoryUsage().arrayBuffers;
    const result = engineerSymbolFeatures(bars, { stepMs: STEP, boundaries: null });
    const columnsBytes = process.memoryUsage().arrayBuffers - before;
    expect(result.summary.gridRows).toBe(525_600);
    expect(result.frame.grid.length).toBe(525_600 - 60);
    // 9 bar columns + 20 features, 8 bytes a row each, plus scratch: well under 1 GB.
    expect(columnsBytes).toBeLessThan(400 * 1024 * 1024);
  });
});
