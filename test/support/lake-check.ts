/**
 * The comparison rules of a local lake against the independent reference (`reference.ts`): exact
 * OHLC and counts, sums to a relative 1e-12. The reading lives in `lake-read.ts`.
 */
import { expect } from 'vitest';
import { barKey } from './lake-read.js';
import type { ReferenceBar } from './reference.js';

export { barKey, lakeBars, lakeLate, lateKey } from './lake-read.js';

/** The same bars: identities, counts and OHLC exactly, volume to 5e-10 or a relative 1e-12, vwap to a relative 1e-12. */
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
    // Also relative, as vwap: batches of another size add the same sizes in another order, and an absolute
    // 1e-9 on a volume of 400,000 asks for 2.5e-15 relative, below what double sums keep.
    expect(Math.abs(a.volume - e.volume)).toBeLessThanOrEqual(Math.max(5e-10, 1e-12 * Math.abs(e.volume)));
    if (e.vwap === null) expect(a.vwap).toBeNull();
    else expect(Math.abs(a.vwap! - e.vwap) / e.vwap).toBeLessThan(1e-12);
  }
}
