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
  out = new Float64Array(close.length),
): Float64Array {
  for (const p of periods) assertPeriod('period', p);
  const n = close.length;
  const bp = new Float64Array(n);
  const tr = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    const prevClose = close[t - 1]!;
    const trueLow = Math.min(low[t]!, prevClose);
    bp[t] = close[t]! - trueLow;
    tr[t] = Math.max(high[t]!, prevClose) - trueLow;
  }
  const longest = Math.max(...periods);
  out.fill(Number.NaN, 0, Math.min(longest, n));
  const sums = periods.map((p) => new WindowSums(bp, tr, p));
  for (let t = longest; t < n; t++) {
    let weighted = 0;
    for (let i = 0; i < 3; i++) {
      const s = sums[i]!;
      s.endAt(t);
      weighted = s.activeTr > 0 ? weighted + (WEIGHTS[i]! * s.bp) / s.tr : Number.NaN;
    }
    out[t] = (100 * weighted) / 7;
  }
  return out;
}

/** ΣBP, ΣTR and the count of non-zero TRs over rows (t−period, t], advanced one row at a time. */
class WindowSums {
  bp = 0;
  tr = 0;
  activeTr = 0;
  private last = -1;

  constructor(
    private readonly bpRows: Float64Array,
    private readonly trRows: Float64Array,
    private readonly period: number,
  ) {}

  endAt(t: number): void {
    const { bpRows, trRows, period } = this;
    if (this.last !== t - 1 || t % RESYNC_EVERY === 0) {
      this.bp = 0;
      this.tr = 0;
      this.activeTr = 0;
      for (let k = t - period + 1; k <= t; k++) this.add(bpRows[k]!, trRows[k]!, 1);
    } else {
      this.add(bpRows[t]!, trRows[t]!, 1);
      this.add(bpRows[t - period]!, trRows[t - period]!, -1);
    }
    this.last = t;
  }

  private add(bp: number, tr: number, sign: 1 | -1): void {
    this.bp += sign * bp;
    this.tr += sign * tr;
    if (tr > 0) this.activeTr += sign;
  }
}
