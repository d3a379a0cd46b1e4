import { describe, expect, it } from 'vitest';
import { eventTimeOf, Pacer, pace } from '../../../shared/producer/pacing.js';
import type { ProducerRecord } from '../../../shared/producer/types.js';

/** A manual clock: sleeping advances it, so pacing is checked without waiting. */
function manualClock() {
  const state = { now: 0, slept: [] as number[] };
  return {
    state,
    clock: () => state.now,
    sleep: async (ms: number) => {
      state.slept.push(ms);
      state.now += ms;
    },
  };
}
const at = (ts: number | string): ProducerRecord => ({
  partitionKey: 'A',
  payload: { ts, symbol: 'A', price: 1, size: 1 },
});

describe('pacing', () => {
  it('releases a steady rate: 50 records at 10/s take 4.9 s', async () => {
    const { state, clock, sleep } = manualClock();
    const records = Array.from({ length: 50 }, (_, n) => at(n));
    let released = 0;
    for await (const _ of pace(records, { kind: 'rate', perSecond: 10 }, clock, sleep)) released++;
    expect(released).toBe(50);
    expect(state.now).toBeCloseTo(4_900, 6);
  });

  it('runs event time `speedup` times faster than wall time; earlier ts and raw text go at once', async () => {
    const { state, clock, sleep } = manualClock();
    const records = [
      at(1_000_000),
      at(1_060_000),
      at(1_030_000),
      { partitionKey: 'A', payload: 'raw' },
      at('1970-01-01T00:20:00.000Z'),
    ];
    const wallAtRelease: number[] = [];
    for await (const _ of pace(records, { kind: 'event-time', speedup: 10 }, clock, sleep))
      wallAtRelease.push(state.now);
    // 60 s of event time = 6 s of wall time; 1,200,000 ms is 200 s after the first = 20 s of wall time.
    expect(wallAtRelease).toEqual([0, 6_000, 6_000, 6_000, 20_000]);
  });

  it('restarts its schedule after a stall instead of bursting to catch up', () => {
    let now = 0;
    const pacer = new Pacer({ kind: 'rate', perSecond: 100 }, () => now);
    expect(pacer.delayBefore(10)).toBe(0);
    expect(pacer.delayBefore(10)).toBe(100);
    now = 60_000; // the consumer stalled for a minute
    expect(pacer.delayBefore(10)).toBe(0);
    expect(pacer.delayBefore(10)).toBe(100);
  });

  it('reads event times given as numbers, integer text or ISO-8601', () => {
    expect(eventTimeOf(at(5))).toBe(5);
    expect(eventTimeOf(at('1704153600000'))).toBe(1_704_153_600_000);
    expect(eventTimeOf(at('2024-01-02T00:00:00Z'))).toBe(1_704_153_600_000);
    expect(eventTimeOf(at('soon'))).toBeUndefined();
    expect(eventTimeOf({ partitionKey: 'A', payload: '1,2,3' })).toBeUndefined();
  });
});
