import { describe, expect, it } from 'vitest';
import { decodeRecordPayload, type TickValidation } from '../../../shared/domain/tick.js';
import { INSTRUMENTS } from '../../../shared/producer/instruments.js';
import {
  DEFAULT_SIMULATION_START,
  MarketSimulator,
  SimulationOptionError,
  type SimulationOptions,
} from '../../../shared/producer/simulator.js';
import type { ProducerRecord, TickPayload } from '../../../shared/producer/types.js';
import { createRandom } from '../../../shared/random.js';

const run = (options: SimulationOptions): ProducerRecord[] => [...new MarketSimulator(options).records()];
const ticksOf = (records: ProducerRecord[]): TickPayload[] =>
  records.map((r) => r.payload).filter((p): p is TickPayload => typeof p !== 'string');

describe('seeded random source', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom('42x');
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('samples a standard normal (mean ≈ 0, variance ≈ 1)', () => {
    const rng = createRandom(3);
    const xs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
});

describe('MarketSimulator', () => {
  it('produces the same records for the same seed and different ones for another seed', () => {
    const options = { symbols: 6, ticks: 500, outOfOrder: { fraction: 0.1, maxDelayMs: 2_000 } };
    expect(run({ ...options, seed: 9 })).toEqual(run({ ...options, seed: 9 }));
    expect(run({ ...options, seed: 10 })).not.toEqual(run({ ...options, seed: 9 }));
  });

  it('emits valid ticks keyed by symbol, starting at the fixed default start, with per-symbol ids 1, 2, 3…', () => {
    const records = run({ symbols: 8, ticks: 2_000, seed: 1 });
    expect(records).toHaveLength(2_000);
    for (const record of records) {
      const [validation] = candidateTicks(JSON.stringify(record.payload));
      expect(validation?.ok).toBe(true);
      expect((record.payload as TickPayload).symbol).toBe(record.partitionKey);
    }
    const ticks = ticksOf(records);
    expect(ticks[0]!.ts).toBe(DEFAULT_SIMULATION_START);
    const symbols = new Set(ticks.map((t) => t.symbol));
    expect(symbols).toEqual(
      new Set(['BTC-USDT', 'EUR/USD', 'XAU:USD', 'AAPL', 'ETH-USDT', 'GBP/USD', 'NVDA', 'SOL-USDT']),
    );
    const eur = ticks.filter((t) => t.symbol === 'EUR/USD');
    expect(eur.map((t) => t.id)).toEqual(eur.map((_, k) => String(k + 1)));
    // Without faults, arrival order is event-time order.
    for (let k = 1; k < ticks.length; k++)
      expect(ticks[k]!.ts).toBeGreaterThanOrEqual(ticks[k - 1]!.ts as number);
  });

  it('rounds prices to the instrument tick size and sizes to the lot step', () => {
    const ticks = ticksOf(run({ symbols: 24, ticks: 3_000, seed: 5, zipfExponent: 0 }));
    for (const t of ticks) {
      const instrument = INSTRUMENTS.find((i) => i.symbol === t.symbol)!;
      const steps = (t.price as number) / instrument.tickSize;
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
      const lots = (t.size as number) / instrument.size.step;
      expect(Math.abs(lots - Math.round(lots))).toBeLessThan(1e-6);
      expect(t.size as number).toBeGreaterThan(0);
    }
  });

  it('follows geometric Brownian motion: realised variance per year ≈ σ² of the instrument', () => {
    // BTC-USDT: σ = 0.6, tick 0.01 at ~65,000, so rounding adds far less noise than one step of the walk.
    const ticks = ticksOf(run({ symbols: 4, ticks: 24_000, seed: 11 })).filter(
      (t) => t.symbol === 'BTC-USDT',
    );
    let sumSquares = 0;
    let years = 0;
    for (let k = 1; k < ticks.length; k++) {
      const r = Math.log((ticks[k]!.price as number) / (ticks[k - 1]!.price as number));
      sumSquares += r * r;
      years += ((ticks[k]!.ts as number) - (ticks[k - 1]!.ts as number)) / (365.25 * 86_400_000);
    }
    expect(ticks.length).toBeGreaterThan(8_000);
    const sigma = Math.sqrt(sumSquares / years);
    expect(sigma).toBeGreaterThan(0.6 * 0.95);
    expect(sigma).toBeLessThan(0.6 * 1.05);
  });

  it('skews activity: the top symbol gets most ticks, the last very few (Zipf)', () => {
    const ticks = ticksOf(run({ symbols: 20, ticks: 20_000, seed: 2 }));
    const counts = new Map<string, number>();
    for (const t of ticks) counts.set(t.symbol as string, (counts.get(t.symbol as string) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top3 = sorted.slice(0, 3).reduce((s, n) => s + n, 0);
    expect(top3 / ticks.length).toBeGreaterThan(0.4);
    expect(counts.get('BTC-USDT')! / counts.get('DOGE-USDT')!).toBeGreaterThan(10);
  });

  it('with jitter, some ticks arrive after later-stamped ticks of the same symbol', () => {
    const sim = new MarketSimulator({
      symbols: 3,
      ticks: 3_000,
      seed: 4,
      outOfOrder: { fraction: 0.1, maxDelayMs: 5_000 },
    });
    const ticks = ticksOf([...sim.records()]);
    const lastTs = new Map<string, number>();
    let inversions = 0;
    for (const t of ticks) {
      const last = lastTs.get(t.symbol as string) ?? Number.NEGATIVE_INFINITY;
      if ((t.ts as number) < last) inversions++;
      lastTs.set(t.symbol as string, Math.max(last, t.ts as number));
    }
    expect(sim.counts.outOfOrder).toBeGreaterThan(200);
    expect(inversions).toBeGreaterThan(100);
    expect(ticks).toHaveLength(3_000);
  });

  it('re-sends duplicates with the same symbol and id shortly after the original', () => {
    const sim = new MarketSimulator({
      ticks: 2_000,
      seed: 8,
      duplicates: { fraction: 0.05, maxDelayMs: 1_000 },
    });
    const records = [...sim.records()];
    expect(records).toHaveLength(2_000 + sim.counts.duplicates);
    expect(sim.counts.duplicates).toBeGreaterThan(50);
    const seen = new Map<string, number>();
    let repeats = 0;
    records.forEach((r, position) => {
      const t = r.payload as TickPayload;
      const key = `${t.symbol}#${t.id}`;
      const first = seen.get(key);
      if (first !== undefined) {
        repeats++;
        expect(records[first]!.payload).toEqual(t);
        expect(position - first).toBeLessThan(200);
      } else seen.set(key, position);
    });
    expect(repeats).toBe(sim.counts.duplicates);
  });

  it('stamps late ticks beyond the 10-minute lateness behind the current event time', () => {
    const sim = new MarketSimulator({ ticks: 2_000, seed: 6, late: { fraction: 0.02 } });
    let maxTs = Number.NEGATIVE_INFINITY;
    let late = 0;
    for (const r of sim.records()) {
      const ts = (r.payload as TickPayload).ts as number;
      if (ts < maxTs - 10 * 60_000) late++;
      maxTs = Math.max(maxTs, ts);
    }
    expect(late).toBeGreaterThan(0);
    // Ticks early in the run cannot be 15 min older than the start, so every late tick is counted once.
    expect(late).toBe(sim.counts.late);
  });

  it('mixes in malformed records that the pipeline validator rejects', () => {
    const sim = new MarketSimulator({ ticks: 1_000, seed: 12, malformed: { fraction: 0.05 } });
    const rejected = [...sim.records()].filter((r) => {
      const text = typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload);
      return !candidateTicks(text)[0]!.ok;
    });
    expect(sim.counts.malformed).toBeGreaterThan(20);
    expect(rejected).toHaveLength(sim.counts.malformed);
  });

  it('is lazy and endless without a tick count', () => {
    const iterator = new MarketSimulator({ seed: 1 }).records();
    for (let k = 0; k < 10_000; k++) expect(iterator.next().done).toBe(false);
  });

  it('names the option that is out of range', () => {
    expect(() => new MarketSimulator({ symbols: 0 })).toThrow(SimulationOptionError);
    expect(() => new MarketSimulator({ outOfOrder: { fraction: 2, maxDelayMs: 10 } })).toThrow(
      /outOfOrder.fraction/,
    );
  });

  it('invents synthetic symbols beyond the catalogue', () => {
    const sim = new MarketSimulator({ symbols: 30, seed: 1 });
    expect(sim.instruments).toHaveLength(30);
    expect(sim.instruments[29]!.symbol).toBe('SIM0030');
  });
});

function candidateTicks(text: string): TickValidation[] {
  const decoded = decodeRecordPayload(text);
  return decoded.kind === 'ticks' ? decoded.ticks : [];
}
