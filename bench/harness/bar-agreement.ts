import type { Bar } from '../../shared/domain/types.js';
import { BenchDisagreementError } from './errors.js';

/** Relative tolerance for sums whose order of addition differs (volume, vwap). */
export const SUM_TOLERANCE = 1e-9;

/**
 * Checks that two bar lists hold the same bars in any order: same (symbol, interval, window) set,
 * identical window_end, open, high, low, close and trade_count, volume and vwap equal to 1e-9
 * relative. Returns the number of bars; throws {@link BenchDisagreementError} at the first difference.
 */
export function assertSameBars(suite: string, ours: readonly Bar[], reference: readonly Bar[]): number {
  if (ours.length !== reference.length) {
    throw new BenchDisagreementError(suite, 'the number of bars', '*', ours.length, reference.length);
  }
  const byKey = new Map<string, Bar>();
  for (const bar of ours) byKey.set(barKey(bar), bar);
  for (const ref of reference) {
    const key = barKey(ref);
    const bar = byKey.get(key);
    if (!bar) throw new BenchDisagreementError(suite, 'a bar only the reference has', key, 'none', 'a bar');
    for (const field of ['windowEnd', 'open', 'high', 'low', 'close', 'tradeCount'] as const) {
      if (bar[field] !== ref[field])
        throw new BenchDisagreementError(suite, field, key, bar[field], ref[field]);
    }
    for (const field of ['volume', 'vwap'] as const) {
      if (!closeEnough(bar[field], ref[field])) {
        throw new BenchDisagreementError(suite, field, key, bar[field], ref[field]);
      }
    }
  }
  return ours.length;
}

/** Equal to `tolerance` relative, or both null. */
export function closeEnough(a: number | null, b: number | null, tolerance = SUM_TOLERANCE): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

function barKey(bar: Bar): string {
  return `${bar.symbol} ${bar.interval} ${bar.windowStart}`;
}
