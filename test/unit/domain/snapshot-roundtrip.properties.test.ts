/**
 * Whatever the service writes, it can restore: over arbitrary sequences of ticks the validator
 * accepts — values at the plausibility bounds included (price and size 1e12, the smallest positive
 * price, ts at both ends of the accepted range, 128-character ids) — every snapshot survives a JSON
 * round trip (the state table's format) and the restored aggregator behaves exactly as the one
 * that was never interrupted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SymbolAggregator } from '../../../shared/domain/aggregator.js';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import type { SymbolSnapshot } from '../../../shared/domain/snapshot.js';
import { validateTick } from '../../../shared/domain/tick.js';
import { DEFAULT_EVENT_TIME_RANGE, MAX_PRICE, MAX_SIZE } from '../../../shared/domain/tick-bounds.js';
import type { Tick } from '../../../shared/domain/types.js';

const { fromMs, toMs } = DEFAULT_EVENT_TIME_RANGE;
const T0 = Date.UTC(2024, 0, 1);
const config = aggregatorConfig();

const tsArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: T0, max: T0 + 3 * 3_600_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(fromMs, fromMs + 1, toMs - 1, toMs - 60_000) },
  { weight: 1, arbitrary: fc.integer({ min: fromMs, max: toMs - 1 }) },
);
const priceArb = fc.oneof(
  fc.constantFrom(MAX_PRICE, Number.MIN_VALUE, 1e-12, MAX_PRICE - 1),
  fc.double({ min: Number.MIN_VALUE, max: MAX_PRICE, noNaN: true }),
);
const sizeArb = fc.oneof(
  fc.constantFrom(0, MAX_SIZE, Number.MIN_VALUE, -0),
  fc.double({ min: 0, max: MAX_SIZE, noNaN: true }),
);
const idArb = fc.option(
  fc.oneof(fc.constantFrom('a', 'b', 'x'.repeat(128)), fc.string({ minLength: 1, maxLength: 128 })),
  { nil: undefined },
);

/** Raw values as a producer sends them; only those the validator accepts are kept, as the service does. */
const ticksArb = fc
  .array(fc.record({ ts: tsArb, price: priceArb, size: sizeArb, id: idArb }), { maxLength: 80 })
  .map((raws) =>
    raws
      .map((raw) => validateTick({ symbol: 'EURUSD', ...raw }))
      .filter((v): v is { ok: true; tick: Tick } => v.ok)
      .map((v) => v.tick),
  );

/** Where the service would commit: the tick indexes after which the state is stored. */
const cutsArb = fc.array(fc.nat(), { maxLength: 6 });

function onlyFiniteNumbers(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(onlyFiniteNumbers);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(onlyFiniteNumbers);
  return true;
}

describe('snapshots of any valid tick sequence read back', () => {
  it('every snapshot holds only finite numbers and restores to the same future behaviour', () => {
    fc.assert(
      fc.property(ticksArb, cutsArb, (ticks, cutSeeds) => {
        const whole = new SymbolAggregator('EURUSD', config);
        for (const t of ticks) whole.apply(t);
        whole.flush();
        const expected = whole.drain();

        const cuts = new Set(cutSeeds.map((c) => c % (ticks.length + 1)));
        let current = new SymbolAggregator('EURUSD', config);
        const closed = [];
        const late = [];
        let duplicates = 0;
        for (let i = 0; i <= ticks.length; i++) {
          if (cuts.has(i)) {
            const out = current.drain();
            closed.push(...out.closed);
            late.push(...out.late);
            duplicates += out.duplicates;
            const snapshot = current.snapshot();
            expect(onlyFiniteNumbers(snapshot)).toBe(true);
            const stored = JSON.parse(JSON.stringify(snapshot)) as SymbolSnapshot;
            const seenIds = JSON.parse(JSON.stringify(current.seenIds()));
            current = SymbolAggregator.restore(config, stored, seenIds);
            expect(current.snapshot()).toEqual(stored);
          }
          if (i < ticks.length) current.apply(ticks[i]!);
        }
        current.flush();
        const out = current.drain();
        expect([...closed, ...out.closed]).toEqual(expected.closed);
        expect([...late, ...out.late]).toEqual(expected.late);
        expect(duplicates + out.duplicates).toBe(expected.duplicates);
        for (const bar of expected.closed) expect(onlyFiniteNumbers(bar)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
