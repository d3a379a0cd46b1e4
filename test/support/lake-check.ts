/**
 * The comparison rules of a local lake against the independent reference (`reference.ts`): exact
 * OHLC and counts, sums to 1e-9. The reading lives in `lake-read.ts`.
 */
import { expect } from 'vitest';
import { barKey } from './lake-read.js';
import type { ReferenceBar } from './reference.js';

export { barKey, lakeBars, lakeLate, lateKey } from './lake-read.js';

/** The same bars: identities, counts and OHLC exactly, volume to 1e-9, vwap to a relative 1e-12. */
export function expectSameBars(actual: ReferenceBar[], expected: ReferenceBar[]): void {
  expect(actual.map(barKey)).toEqual(expected.map(barKey));
  const byKey = new Map(expected.map((b) => [barKey(b), b]));
  for (const a of actual) {
    const e = byKey.get(barKey(a))!;
    expect(a.window_end).toBe(e.window_end);
    expect(a.trade_count).toBe(e.trade_count);
    expect(a.open).toBe(e.open);
    expect(a.close).toBe(e.close);
    expect(a.high).toBe(e.high);
    expect(a.low).toBe(e.low);
    expect(a.volume).toBeCloseTo(e.volume, 9);
    if (e.vwap === null) expect(a.vwap).toBeNull();
    else expect(Math.abs(a.vwap! - e.vwap) / e.vwap).toBeLessThan(1e-12);
  }
}
