import { describe, expect, it } from 'vitest';
import { missingCloses, steadyInterval } from '../../../bench/scale/steady.js';
import type { RunSample } from '../../../local/run/local-run.js';
import { emptyUsage, subtractUsage, type Usage } from '../../../shared/cost/index.js';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

const sample = (atMs: number, s: Partial<RunSample> = {}): RunSample => ({
  atMs,
  usage: emptyUsage(),
  published: 0,
  applied: 0,
  bars: {},
  invocations: 0,
  recordsDelivered: 0,
  compactions: 0,
  ...s,
});

describe('subtractUsage', () => {
  it('takes the earlier snapshot from the later one unit by unit, stored bytes as the growth', () => {
    const d = subtractUsage(
      usage({ 'dynamodb.writeUnits': 130, 'lambda.gbSeconds': 2.5, 's3.storedBytes': 5_000 }),
      usage({ 'dynamodb.writeUnits': 100, 'lambda.gbSeconds': 1, 's3.storedBytes': 4_000 }),
    );
    expect(d['dynamodb.writeUnits']).toBe(30);
    expect(d['lambda.gbSeconds']).toBe(1.5);
    expect(d['s3.storedBytes']).toBe(1_000);
    expect(d['kinesis.putPayloadUnits']).toBe(0);
  });
});

describe('steadyInterval', () => {
  const samples = [
    sample(10_000, { published: 10_000, applied: 9_000, invocations: 10, recordsDelivered: 95 }),
    sample(20_000, {
      usage: usage({ 'dynamodb.writeUnits': 50 }),
      published: 20_000,
      applied: 19_500,
      bars: { '1m': 100 },
      invocations: 20,
      recordsDelivered: 195,
    }),
    sample(30_000, {
      usage: usage({ 'dynamodb.writeUnits': 80 }),
      published: 29_000,
      applied: 29_000,
      bars: { '1m': 200, '5m': 100 },
      invocations: 30,
      recordsDelivered: 295,
      compactions: 1,
    }),
    sample(41_000, {
      usage: usage({ 'dynamodb.writeUnits': 150 }),
      published: 40_000,
      applied: 40_000,
      bars: { '1m': 300, '5m': 100 },
      invocations: 35,
      recordsDelivered: 395,
      compactions: 2,
    }),
  ];

  it('runs from the first sample at or after the start to the last one', () => {
    const i = steadyInterval(samples, 15_000);
    expect(i.fromMs).toBe(20_000);
    expect(i.toMs).toBe(41_000);
    expect(i.usage['dynamodb.writeUnits']).toBe(100);
    expect(i.ticks).toBe(20_000);
    expect(i.ticksPerSecond).toBeCloseTo(20_000 / 21);
    expect(i.backlogAtStart).toBe(500);
    expect(i.invocations).toBe(15);
    expect(i.recordsPerBatch).toBeCloseTo(200 / 15);
    expect(i.compactions).toBe(2);
    expect(i.bars).toEqual({ '1m': 200, '5m': 100 });
  });

  it('takes a sample exactly at the start', () => {
    expect(steadyInterval(samples, 30_000).fromMs).toBe(30_000);
  });

  it('refuses a start the run never reached or that leaves no interval', () => {
    expect(() => steadyInterval(samples, 41_000)).toThrow(/no sampled interval from 41000 ms/);
    expect(() => steadyInterval(samples, 50_000)).toThrow(/ended at 41000 ms/);
    expect(() => steadyInterval([], 0)).toThrow(/no sample/);
  });
});

describe('missingCloses', () => {
  const M = 60_000;
  const intervals = [
    { label: '1m', slideMs: M },
    { label: '5m', slideMs: 5 * M },
    { label: '15m', slideMs: 15 * M },
    { label: '1h', slideMs: 60 * M },
    { label: '1d', slideMs: 1440 * M },
    { label: '5m_1m', slideMs: M },
  ];

  it('scales the 1-minute closes by each slide and keeps what fell short', () => {
    const missing = missingCloses({ '1m': 600, '5m': 120, '5m_1m': 600 }, intervals);
    expect(missing['1m']).toBeUndefined();
    expect(missing['5m']).toBeUndefined();
    expect(missing['5m_1m']).toBeUndefined();
    expect(missing['15m']).toBe(40);
    expect(missing['1h']).toBe(10);
    expect(missing['1d']).toBeCloseTo(600 / 1440);
  });

  it('counts no shortfall where more closed than the steady rate (a boundary inside the interval)', () => {
    expect(missingCloses({ '1m': 500, '5m': 200 }, intervals)['5m']).toBeUndefined();
  });
});
