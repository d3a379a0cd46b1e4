import { ringMask } from './ring.js';
import { assertPeriod } from './rolling-sum.js';

/** Rows between exact re-summations of the rolling sums (bounds add/subtract drift). */
const RESYNC_EVERY = 1024;
const WEIGHTS = [4, 2, 1] as const;

/**
 * Ultimate oscillator (TA_ULTOSC) with periods (short, medium, long), default (7, 14, 28):
 * BP = close − min(low, prev close), TR = max(high, prev close) − min(low, prev close),
 * avg_n = ΣBP/ΣTR over the last n rows, UO = 100·(4·avg_short + 2·avg_medium + avg_long)/7.
 *
 * Row 0 has no previous close, so it has no BP or TR (TA-Lib's choice too): sums start at row 1
 * and the first defined row is `t = max(periods)`; earlier rows are NaN (null). A window whose true
 * ranges are all 0 (ΣTR = 0, a flat stretch) makes the row NaN (null) — decided on a count of
 * non-zero TRs, so rounding in the rolling sums can never turn an exact 0 into a tiny divisor.
 */
export function ultimateOscillator(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  periods: readonly [number, number, number] = [7, 14, 28],
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  for (const p of periods) assertPeriod('period', p);
  const n = close.length;
  const longest = Math.max(...periods);
  out.fill(Number.NaN, 0, Math.min(longest, n));
  // BP and TR of the last rows in rings (row k at k & mask): a window needs the row leaving it,
  // period + 1 rows back at most.
  const mask = ringMask(longest + 1);
  const bpRing = new Float64Array(mask + 1);
  const trRing = new Float64Array(mask + 1);
  const bpSum = new Float64Array(3);
  const trSum = new Float64Array(3);
  const activeTr = new Int32Array(3);
  for (let t = 1; t < n; t++) {
    const prevClose = close[t - 1]!;
    const l = low[t]!;
    const h = high[t]!;
    const trueLow = Math.min(l, prevClose);
    bpRing[t & mask] = close[t]! - trueLow;
    trRing[t & mask] = Math.max(h, prevClose) - trueLow;
    if (t < longest) continue;
    // Each sum is rebuilt from its rows at the first row and every RESYNC_EVERY rows (bounds the
    // add/subtract drift), and otherwise advanced by one row.
    const resync = t === longest || t % RESYNC_EVERY === 0;
    let weighted = 0;
    for (let i = 0; i < 3; i++) {
      const period = periods[i]!;
      if (resync) {
        let bp = 0;
        let tr = 0;
        let active = 0;
        for (let k = t - period + 1; k <= t; k++) {
          bp += bpRing[k & mask]!;
          const x = trRing[k & mask]!;
          tr += x;
          if (x > 0) active++;
        }
        bpSum[i] = bp;
        trSum[i] = tr;
        activeTr[i] = active;
      } else {
        const entering = t & mask;
        const leaving = (t - period) & mask;
        const trIn = trRing[entering]!;
        const trOut = trRing[leaving]!;
        bpSum[i] = bpSum[i]! + bpRing[entering]! - bpRing[leaving]!;
        trSum[i] = trSum[i]! + trIn - trOut;
        activeTr[i] = activeTr[i]! + (trIn > 0 ? 1 : 0) - (trOut > 0 ? 1 : 0);
      }
      weighted = activeTr[i]! > 0 ? weighted + (WEIGHTS[i]! * bpSum[i]!) / trSum[i]! : Number.NaN;
    }
    out[t] = (100 * weighted) / 7;
  }
  return out;
}
