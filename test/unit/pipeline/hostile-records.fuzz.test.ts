/**
 * Hostile input cannot hurt (docs/stream-contract.md, "Hostile input"): 12,000 generated Kinesis
 * records go through the aggregator's Lambda handler over the in-memory stores — numbers at and past every limit, every
 * timestamp unit, exponent and hexadecimal forms, "NaN"/"Infinity" strings, deep nesting, huge
 * arrays, duplicate and `__proto__` keys, invalid UTF-8, a BOM, empty payloads, KPL aggregates of
 * all of those, and clocks running ahead (live mode). Each generated candidate tick knows whether
 * the contract accepts it; the test asserts that every one is applied or quarantined with a reason
 * accordingly, that the accounting identity holds, that no batch fails or throws, and that every
 * symbol's state still restores and gives exactly the bars of the accepted ticks alone.
 */

import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAggregatorHandler } from '../../../functions/aggregator/handler.js';
import { aggregate } from '../../../shared/adapters/kinesis/kpl.js';
import { InMemoryOutputStore, InMemoryStateStore } from '../../../shared/adapters/memory/stores.js';
import { addReports } from '../../../shared/adapters/metrics.js';
import { aggregateAll } from '../../../shared/domain/aggregate-all.js';
import { SymbolAggregator } from '../../../shared/domain/aggregator.js';
import { aggregatorConfig, parseIntervals } from '../../../shared/domain/index.js';
import type { SymbolSnapshot } from '../../../shared/domain/snapshot.js';
import type { Bar, Tick } from '../../../shared/domain/types.js';
import {
  AggregationService,
  type BatchReport,
  emptyReport,
} from '../../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../../shared/pipeline/domain-engine.js';
import { createRandom } from '../../../shared/random.js';

const RECORDS = 12_000;
const BATCH = 400;
const SKEW = 5 * 60_000;
const T0 = Date.UTC(2024, 4, 1);
const SYMBOLS = ['EURUSD', 'BTC-USDT', 'XAU:USD', 'AAPL', 'ETH/BTC'];
const config = aggregatorConfig({ intervals: parseIntervals(['1m', '5m', '5m_1m', '1h']) });

/** One payload and, per candidate tick in it, the tick the contract accepts (or null: quarantined). */
interface Generated {
  readonly payload: Uint8Array | string;
  readonly expected: (Tick | null)[];
}

type Ctx = {
  r: () => number;
  clock: number;
  arrival: number;
  symbol: () => string;
  id: () => string | undefined;
};

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A plausible tick: ts a little before the record's arrival, sometimes out of order. */
function plainTick(c: Ctx): Tick {
  const ts = c.clock - (c.r() < 0.15 ? Math.floor(c.r() * 15 * 60_000) : Math.floor(c.r() * 2_000));
  const price = Number((1 + c.r() * 1000).toPrecision(8));
  const size = c.r() < 0.05 ? 0 : Number((c.r() * 10).toFixed(3));
  const id = c.id();
  return id === undefined
    ? { symbol: c.symbol(), ts, price, size }
    : { symbol: c.symbol(), ts, price, size, id };
}

/** Accepted element texts: the tick in one of the forms the contract reads. */
const VALID_FORMS: ((t: Tick, c: Ctx) => string)[] = [
  (t) => JSON.stringify(t),
  (t) => JSON.stringify({ ...t, price: String(t.price), size: String(t.size) }),
  (t) => JSON.stringify({ ...t, price: t.price.toExponential(), ts: new Date(t.ts).toISOString() }),
  (t) => JSON.stringify({ ...t, ts: String(t.ts), extra: { nested: [1, 2, 3] } }),
  // An exponent-form JSON number that is an integer is an integer.
  (t) => JSON.stringify(t).replace(`"ts":${t.ts}`, `"ts":${(t.ts / 1e3).toString()}e3`),
  (t) => `{"price":-1,${JSON.stringify(t).slice(1, -1)},"__proto__":{"price":-5}}`, // the last key wins
  (t) => JSON.stringify({ ...t, price: 1e12, size: 1e12 }),
  (t) => JSON.stringify({ ...t, price: Number.MIN_VALUE, id: 'i'.repeat(128) }),
];
/** The tick a form above yields, for the forms that change values. */
function acceptedAs(form: number, t: Tick): Tick {
  if (form === 6) return { ...t, price: 1e12, size: 1e12 };
  if (form === 7) return { ...t, price: Number.MIN_VALUE, id: 'i'.repeat(128) };
  if (form === 2) return { ...t, price: Number(t.price.toExponential()) };
  return t;
}

/** Rejected element texts: one broken rule each. */
const INVALID_FORMS: ((t: Tick, c: Ctx) => string)[] = [
  (t) => JSON.stringify({ ...t, ts: t.ts * 1000 }),
  (t) => JSON.stringify({ ...t, ts: String(t.ts * 1000) }),
  (t) => JSON.stringify({ ...t, ts: `${t.ts}000000` }),
  (t) => JSON.stringify({ ...t, ts: Math.floor(t.ts / 1000) }),
  (t) => JSON.stringify({ ...t, ts: 1e300 }),
  (t) => JSON.stringify({ ...t, ts: -t.ts }),
  (t) => JSON.stringify({ ...t, ts: `0x${t.ts.toString(16)}` }),
  (t) => JSON.stringify({ ...t, ts: t.ts + 0.5 }),
  (t) => JSON.stringify({ ...t, ts: '2150-06-01T00:00:00Z' }),
  (t) => JSON.stringify({ ...t, ts: '1970-01-01T00:00:00Z' }),
  (t) => JSON.stringify({ ...t, ts: 'NaN' }),
  (t) => JSON.stringify({ ...t, price: 1e308 }),
  (t) => JSON.stringify({ ...t, price: 1_000_000_000_001 }),
  (t) => JSON.stringify(t).replace(`"price":${t.price}`, '"price":1e309'),
  (t) => JSON.stringify({ ...t, price: 'NaN' }),
  (t) => JSON.stringify({ ...t, price: 'Infinity' }),
  (t) => JSON.stringify({ ...t, price: '-Infinity' }),
  (t) => JSON.stringify({ ...t, price: '0x10' }),
  (t) => JSON.stringify({ ...t, price: 0 }),
  (t) => JSON.stringify({ ...t, price: -t.price }),
  (t) => JSON.stringify({ ...t, size: 1e13 }),
  (t) => JSON.stringify({ ...t, size: -1 }),
  (t) => JSON.stringify({ ...t, size: 'Infinity' }),
  (t) => JSON.stringify({ ...t, id: 'x'.repeat(129) }),
  (t) => JSON.stringify({ ...t, symbol: 'S'.repeat(33) }),
  (t) => JSON.stringify({ ...t, symbol: 'EUR USD' }),
  (t) => `{"__proto__":${JSON.stringify(t)}}`,
  (t) => JSON.stringify({ ...t, price: { valueOf: 5 } }),
  (t) => JSON.stringify({ ...t, price: [t.price] }),
  () => '7',
  () => 'null',
  () => '"tick"',
];

/** A whole payload: one element, a packed array, or a hostile shape, with what each candidate should become. */
function payload(c: Ctx): Generated {
  const roll = c.r();
  if (roll < 0.55) return packed(c, 1);
  if (roll < 0.75) return packed(c, 2 + Math.floor(c.r() * 30));
  if (roll < 0.8) {
    // A clock running ahead: within the contract's years, but further than the skew past arrival.
    const t = { ...plainTick(c), ts: c.arrival + SKEW + 1 + Math.floor(c.r() * 86_400_000) };
    return { payload: JSON.stringify(t), expected: [null] };
  }
  const kinds: (() => Generated)[] = [
    () => ({ payload: '', expected: [null] }),
    () => ({ payload: '   \n', expected: [null] }),
    () => ({ payload: '[]', expected: [null] }),
    () => ({ payload: '{', expected: [null] }),
    () => ({ payload: Uint8Array.of(0x7b, 0xff, 0xfe, 0x22, 0x7d), expected: [null] }), // invalid UTF-8
    () => ({ payload: Uint8Array.of(0xc3, 0x28), expected: [null] }),
    () => ({ payload: JSON.stringify(Array(10_001).fill(1)), expected: [null] }), // more than a record may pack
    () => {
      const t = plainTick(c);
      return { payload: `\uFEFF${JSON.stringify(t)}`, expected: [t] };
    },
    () => {
      const g = packed(c, 3);
      return { payload: `\uFEFF${g.payload as string}`, expected: g.expected };
    },
    () => packed(c, 200 + Math.floor(c.r() * 300)), // a big pack, hostile elements included
    () => ({ payload: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, expected: [null] }), // deep nesting
    () => {
      // Deep nesting inside a packed element: too deep for JSON.stringify, still quarantined with a reason.
      const t = plainTick(c);
      const deep = `{"symbol":"${t.symbol}","ts":${t.ts},"price":${'['.repeat(5000)}${']'.repeat(5000)},"size":1}`;
      return { payload: `[${JSON.stringify(t)},${deep}]`, expected: [t, null] };
    },
  ];
  return pick(c.r, kinds)();
}

function packed(c: Ctx, n: number): Generated {
  const texts: string[] = [];
  const expected: (Tick | null)[] = [];
  for (let i = 0; i < n; i++) {
    const t = plainTick(c);
    if (c.r() < 0.6) {
      const form = Math.floor(c.r() * VALID_FORMS.length);
      texts.push(VALID_FORMS[form]!(t, c));
      expected.push(acceptedAs(form, t));
    } else {
      texts.push(pick(c.r, INVALID_FORMS)(t, c));
      expected.push(null);
    }
  }
  return { payload: n === 1 && c.r() < 0.7 ? texts[0]! : `[${texts.join(',')}]`, expected };
}

interface FuzzRecord {
  readonly event: KinesisStreamRecord;
  readonly expected: (Tick | null)[];
}

function generate(seed: number): FuzzRecord[] {
  const random = createRandom(seed);
  const r = () => random.next();
  const ids = Array.from({ length: 40 }, (_, i) => `t${i}`);
  let clock = T0;
  const out: FuzzRecord[] = [];
  const seqByShard = [0, 0];
  for (let i = 0; i < RECORDS; i++) {
    clock += Math.floor(r() * 3_000);
    const arrival = clock + 60_000;
    const symbol = pick(r, SYMBOLS);
    const c: Ctx = {
      r,
      clock,
      arrival,
      symbol: () => symbol, // one symbol per record: a partition key keeps a symbol on its shard
      id: () => (r() < 0.3 ? undefined : pick(r, ids)),
    };
    let data: Uint8Array;
    let expected: (Tick | null)[];
    const roll = r();
    if (roll < 0.06) {
      const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => payload(c));
      data = aggregate(parts.map((p) => ({ partitionKey: symbol, data: Buffer.from(p.payload) })));
      expected = parts.flatMap((p) => p.expected);
    } else if (roll < 0.07) {
      const good = aggregate([{ partitionKey: symbol, data: Buffer.from(JSON.stringify(plainTick(c))) }]);
      data = Uint8Array.from(good);
      data[data.length - 1]! ^= 0xff; // corrupt digest: one quarantined candidate
      expected = [null];
    } else {
      const p = payload(c);
      data = Buffer.from(p.payload);
      expected = p.expected;
    }
    const shard = SYMBOLS.indexOf(symbol) % 2;
    seqByShard[shard]! += 1;
    const seq = String(49_600_000_000_000 + seqByShard[shard]!).padStart(56, '0');
    out.push({
      expected,
      event: {
        awsRegion: 'eu-west-1',
        eventID: `shardId-00000000000${shard}:${seq}`,
        eventName: 'aws:kinesis:record',
        eventSource: 'aws:kinesis',
        eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/tickflow-ticks',
        eventVersion: '1.0',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/x',
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: symbol,
          sequenceNumber: seq,
          approximateArrivalTimestamp: arrival / 1000,
          data: Buffer.from(data).toString('base64'),
        },
      },
    });
  }
  return out;
}

const barKey = (b: Bar) => `${b.symbol}|${b.interval}|${b.windowStart}`;

describe('hostile records through the aggregator handler', () => {
  it('applies or quarantines every candidate as the contract says, and damages no symbol', {
    timeout: 120_000,
  }, async () => {
    const records = generate(16);
    const state = new InMemoryStateStore();
    const outputs = new InMemoryOutputStore();
    const service = new AggregationService({
      state,
      outputs,
      engine: domainEngineFactory(config),
      maxFutureSkewMs: SKEW,
      now: () => T0,
    });
    let totals: BatchReport = emptyReport(0);
    const handler = createAggregatorHandler(service, (report) => {
      totals = addReports(totals, report);
    });

    for (let i = 0; i < records.length; i += BATCH) {
      const event: KinesisStreamEvent = { Records: records.slice(i, i + BATCH).map((r) => r.event) };
      const response = await handler(event);
      expect(response.batchItemFailures).toEqual([]);
    }
    totals = addReports(totals, await service.flushAll());

    const expected = records.flatMap((r) => r.expected);
    const accepted = expected.filter((t): t is Tick => t !== null);
    expect(expected.length).toBeGreaterThan(RECORDS);
    expect(accepted.length).toBeGreaterThan(5_000);
    expect(expected.length - accepted.length).toBeGreaterThan(5_000);

    // Accounting: ticks in = valid + quarantined, each as the contract says, every quarantine with a reason.
    expect(totals.valid).toBe(accepted.length);
    expect(totals.quarantined).toBe(expected.length - accepted.length);
    expect(outputs.quarantine.size).toBe(totals.quarantined);
    for (const q of outputs.quarantine.values()) expect(q.reason.length).toBeGreaterThan(10);
    expect(totals.failedSymbols).toEqual([]);
    expect(totals.unusableStates).toEqual([]);
    expect(outputs.conflictingRewrites).toBe(0);

    // No symbol damaged: every state restores, and the bars are those of the accepted ticks alone.
    for (const s of await state.scan()) {
      expect(() => SymbolAggregator.restore(config, s.snapshot as SymbolSnapshot)).not.toThrow();
    }
    const reference = aggregateAll(accepted, config);
    const bars = [...outputs.bars.values()].sort((a, b) => barKey(a).localeCompare(barKey(b)));
    expect(bars).toEqual([...reference.bars].sort((a, b) => barKey(a).localeCompare(barKey(b))));
    expect(totals.duplicates).toBe(reference.duplicates);
    expect(outputs.late.size).toBe(reference.late.length);
    for (const b of bars) {
      for (const v of [b.open, b.high, b.low, b.close, b.volume, b.vwap ?? 0])
        expect(Number.isFinite(v)).toBe(true);
    }
  });
});
