import { describe, expect, it } from 'vitest';
import { aggregateAll } from '../../../shared/domain/aggregate-all.js';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import { validateTick } from '../../../shared/domain/tick.js';
import { parseSymbol } from '../../../shared/domain/tick-fields.js';
import type { Tick } from '../../../shared/domain/types.js';
import { MarketSimulator } from '../../../shared/producer/simulator.js';

/** Valid ticks with every fault the contract knows: out of order, re-sent ids, beyond the lateness. */
function faultyTicks(): Tick[] {
  const simulator = new MarketSimulator({
    symbols: 5,
    ticks: 20_000,
    seed: 5,
    ticksPerSecond: 20,
    outOfOrder: { fraction: 0.05, maxDelayMs: 30_000 },
    duplicates: { fraction: 0.05 },
    late: { fraction: 0.01 },
  });
  const ticks: Tick[] = [];
  for (const record of simulator.records()) {
    const validation = validateTick(record.payload);
    if (validation.ok) ticks.push(validation.tick);
  }
  return ticks;
}

describe('aggregateAll', () => {
  it('gives the same result for an array and for any other iterable of the same ticks', () => {
    const ticks = faultyTicks();
    const fromArray = aggregateAll(ticks, aggregatorConfig());
    const fromGenerator = aggregateAll(
      (function* () {
        yield* ticks;
      })(),
      aggregatorConfig(),
    );
    expect(fromArray.duplicates).toBeGreaterThan(0);
    expect(fromArray.late.length).toBeGreaterThan(0);
    expect(fromArray.ticks).toBe(ticks.length);
    expect(fromGenerator).toEqual(fromArray);
  });
});

describe('parseSymbol', () => {
  it('accepts exactly the code units of [A-Za-z0-9._:/-], 1 to 32 of them', () => {
    const pattern = /^[A-Za-z0-9._:/-]{1,32}$/;
    const disagreements: number[] = [];
    for (let code = 0; code < 0x10000; code++) {
      const text = `A${String.fromCharCode(code)}z`;
      if ((typeof parseSymbol(text) === 'string') !== pattern.test(text)) disagreements.push(code);
    }
    expect(disagreements).toEqual([]);
    expect(parseSymbol('X'.repeat(32))).toBe('X'.repeat(32));
    expect(typeof parseSymbol('X'.repeat(33))).toBe('object');
    expect(typeof parseSymbol('')).toBe('object');
  });
});
