import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateAll } from '../../../shared/domain/aggregate-all.js';
import { SymbolAggregator } from '../../../shared/domain/aggregator.js';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import { type IntervalSpec, parseIntervals } from '../../../shared/domain/intervals.js';
import type { SymbolSnapshot } from '../../../shared/domain/snapshot.js';
import type { Bar, LateTick, Tick } from '../../../shared/domain/types.js';

const T0 = Date.UTC(2024, 0, 1);
const LATENESS = 90_000;
const HORIZON = 60_000;
/**
 * Two interval sets: in the first every pane length is a multiple of the shortest (30 s), so all
 * intervals share base panes; in the second `90s` is not a multiple of 1 minute and keeps panes of
 * its own beside the shared ones (see WindowSet).
 */
const INTERVAL_SETS = [
  ['1m', '5m', '3m_1m', '2m_30s', '1h_15m'],
  ['1m', '90s', '3m_1m', '7m'],
];

/** Ticks of one symbol over 20 minutes: integer prices and sizes (so sums are exact), few ids (so retries repeat them). */
const ticksArb = fc.array(
  fc.record(
    {
      symbol: fc.constant('ETH'),
      // Mostly on a 15 s grid, so equal timestamps and window_end == W boundaries happen often.
      ts: fc.oneof(
        fc.integer({ min: 0, max: 80 }).map((k) => T0 + k * 15_000),
        fc.integer({ min: T0, max: T0 + 20 * 60_000 }),
      ),
      price: fc.integer({ min: 1, max: 20 }),
      size: fc.integer({ min: 0, max: 5 }),
      id: fc.constantFrom('a', 'b', 'c', 'd'),
    },
    { requiredKeys: ['symbol', 'ts', 'price', 'size'] },
  ),
  { maxLength: 120 },
) as fc.Arbitrary<Tick[]>;

/**
 * The contract of docs/stream-contract.md written as directly as possible, sharing no code with the aggregator:
 * every tick is checked against every window that holds it, bars are recomputed from raw members.
 */
function naiveReplay(ticks: readonly Tick[], intervals: readonly IntervalSpec[]) {
  let maxTs = Number.NEGATIVE_INFINITY;
  const idTimes: { id: string; ts: number }[] = [];
  const members = new Map<string, { interval: IntervalSpec; start: number; ticks: Tick[] }>();
  const late: LateTick[] = [];
  let duplicates = 0;
  for (const t of ticks) {
    const w = maxTs - LATENESS;
    const isDuplicate = t.id !== undefined && idTimes.some((e) => e.id === t.id && e.ts >= maxTs - HORIZON);
    if (t.id !== undefined) idTimes.push({ id: t.id, ts: t.ts });
    maxTs = Math.max(maxTs, t.ts);
    if (isDuplicate) {
      duplicates++;
      continue;
    }
    for (const interval of intervals) {
      let reached = false;
      for (
        let start = Math.floor(t.ts / interval.slideMs) * interval.slideMs;
        start + interval.sizeMs > t.ts;
        start -= interval.slideMs
      ) {
        if (start + interval.sizeMs <= w) continue;
        reached = true;
        const key = `${interval.label}@${start}`;
        if (!members.has(key)) members.set(key, { interval, start, ticks: [] });
        members.get(key)!.ticks.push(t);
      }
      if (!reached) late.push({ tick: t, interval: interval.label, watermark: w });
    }
  }
  const bars: Bar[] = [...members.values()].map(({ interval, start, ticks: ts }) => {
    const minTs = Math.min(...ts.map((t) => t.ts));
    const maxT = Math.max(...ts.map((t) => t.ts));
    const volume = ts.reduce((s, t) => s + t.size, 0);
    return {
      symbol: ts[0]!.symbol,
      interval: interval.label,
      windowStart: start,
      windowEnd: start + interval.sizeMs,
      open: ts.find((t) => t.ts === minTs)!.price,
      high: Math.max(...ts.map((t) => t.price)),
      low: Math.min(...ts.map((t) => t.price)),
      close: ts.findLast((t) => t.ts === maxT)!.price,
      volume,
      vwap: volume === 0 ? null : ts.reduce((s, t) => s + t.price * t.size, 0) / volume,
      tradeCount: ts.length,
    };
  });
  return { bars, late, duplicates };
}

const byIdentity = (a: Bar, b: Bar) => a.interval.localeCompare(b.interval) || a.windowStart - b.windowStart;

describe.each(INTERVAL_SETS.map((labels) => ({ labels, list: labels.join(',') })))(
  'SymbolAggregator properties, intervals $list',
  ({ labels }) => {
    const INTERVALS = parseIntervals(labels);
    const config = aggregatorConfig({
      intervals: INTERVALS,
      allowedLatenessMs: LATENESS,
      dedupHorizonMs: HORIZON,
    });

    it('equals a naive recomputation from raw ticks: bars (tumbling and sliding), late ticks and duplicates', () => {
      fc.assert(
        fc.property(ticksArb, (ticks) => {
          const actual = aggregateAll(ticks, config);
          const expected = naiveReplay(ticks, INTERVALS);
          expect([...actual.bars].sort(byIdentity)).toEqual(expected.bars.sort(byIdentity));
          expect(actual.late).toEqual(expected.late);
          expect(actual.duplicates).toBe(expected.duplicates);
          expect(actual.ticks).toBe(ticks.length);
        }),
        { numRuns: 300 },
      );
    });

    it('accounts for every tick in each interval: in a bar, late, or a counted duplicate', () => {
      fc.assert(
        fc.property(ticksArb, (ticks) => {
          const { bars, late, duplicates } = aggregateAll(ticks, config);
          for (const interval of INTERVALS) {
            const perWindow = interval.sizeMs / interval.slideMs;
            const inBars = bars
              .filter((b) => b.interval === interval.label)
              .reduce((s, b) => s + b.tradeCount, 0);
            const lateCount = late.filter((l) => l.interval === interval.label).length;
            // A sliding tick counts in up to size/slide bars; at least one when it is not late.
            expect(inBars).toBeGreaterThanOrEqual(ticks.length - duplicates - lateCount);
            expect(inBars).toBeLessThanOrEqual((ticks.length - duplicates - lateCount) * perWindow);
            if (perWindow === 1) expect(inBars).toBe(ticks.length - duplicates - lateCount);
          }
        }),
        { numRuns: 100 },
      );
    });

    it('restoring a JSON round trip of the snapshot at any split point gives the same outputs and state', () => {
      fc.assert(
        fc.property(ticksArb, fc.nat(), (ticks, cut) => {
          const split = ticks.length === 0 ? 0 : cut % (ticks.length + 1);
          const whole = new SymbolAggregator('ETH', config);
          for (const t of ticks) whole.apply(t);
          whole.flush();
          const expected = whole.drain();

          const first = new SymbolAggregator('ETH', config);
          for (const t of ticks.slice(0, split)) first.apply(t);
          const before = first.drain();
          const stored = JSON.parse(JSON.stringify(first.snapshot())) as SymbolSnapshot;
          const second = SymbolAggregator.restore(config, stored, first.seenIds());
          expect(second.snapshot()).toEqual(stored);
          for (const t of ticks.slice(split)) second.apply(t);
          second.flush();
          const after = second.drain();

          expect([...before.closed, ...after.closed]).toEqual(expected.closed);
          expect([...before.late, ...after.late]).toEqual(expected.late);
          expect(before.duplicates + after.duplicates).toBe(expected.duplicates);
          expect(second.snapshot()).toEqual(whole.snapshot());
        }),
        { numRuns: 300 },
      );
    });

    it('restoring with every [id, ts] the applied ticks carried (the seen-id log) continues as restoring with seenIds()', () => {
      fc.assert(
        fc.property(ticksArb, fc.nat(), (ticks, cut) => {
          const split = ticks.length === 0 ? 0 : cut % (ticks.length + 1);
          const first = new SymbolAggregator('ETH', config);
          for (const t of ticks.slice(0, split)) first.apply(t);
          first.drain();
          const log = ticks
            .slice(0, split)
            .flatMap((t) => (t.id === undefined ? [] : [[t.id, t.ts] as const]));
          const fromLog = SymbolAggregator.restore(config, first.snapshot(), log);
          const fromLive = SymbolAggregator.restore(config, first.snapshot(), first.seenIds());
          expect(fromLog.seenIds()).toEqual(first.seenIds());
          for (const agg of [fromLog, fromLive]) {
            for (const t of ticks.slice(split)) agg.apply(t);
            agg.flush();
          }
          expect(fromLog.drain()).toEqual(fromLive.drain());
        }),
        { numRuns: 200 },
      );
    });

    it('takes the same snapshot whatever history led to the same state (deterministic serialisation)', () => {
      fc.assert(
        fc.property(ticksArb, (ticks) => {
          const a = new SymbolAggregator('ETH', config);
          const b = new SymbolAggregator('ETH', config);
          for (const t of ticks) {
            a.apply(t);
            b.apply(t);
            a.drain();
            const restored = SymbolAggregator.restore(
              config,
              JSON.parse(JSON.stringify(a.snapshot())),
              a.seenIds(),
            );
            expect(restored.snapshot()).toEqual(a.snapshot());
            expect(restored.seenIds()).toEqual(a.seenIds());
          }
          b.drain();
          expect(JSON.stringify(a.snapshot())).toBe(JSON.stringify(b.snapshot()));
        }),
        { numRuns: 50 },
      );
    });
  },
);
