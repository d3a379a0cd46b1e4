/**
 * An independent implementation of the features contract (docs/features.md), written from its words in
 * plain loops over plain arrays. It shares no code with `shared/domain/features`, so the end-to-end
 * test compares two implementations, not one with itself. TA-Lib definitions followed where one
 * exists: EMA seeded with the SMA of the first n closes (ta_EMA.c), RSI with Wilder's smoothing
 * (ta_RSI.c), Williams %R (ta_WILLR.c) and the Ultimate Oscillator 7/14/28 (ta_ULTOSC.c).
 */

export interface RefBar {
  windowStart: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  tradeCount: number;
}

export interface RefRow extends RefBar {
  symbol: string;
  filled: boolean;
  f: Record<string, number | null>;
}

/** The grid with forward-filled gaps, every feature, and the first 60 rows dropped. */
export function referenceRows(
  symbol: string,
  bars: readonly RefBar[],
  stepMs: number,
): { kept: RefRow[]; warmup: RefRow[] } {
  const sorted = [...bars].sort((a, b) => a.windowStart - b.windowStart);
  const grid: RefRow[] = [];
  let j = 0;
  for (let t = sorted[0]!.windowStart; t <= sorted[sorted.length - 1]!.windowStart; t += stepMs) {
    if (sorted[j]!.windowStart === t) {
      grid.push({ ...sorted[j]!, symbol, filled: false, f: {} });
      j++;
    } else {
      const c = grid[grid.length - 1]!.close;
      grid.push({
        symbol,
        windowStart: t,
        open: c,
        high: c,
        low: c,
        close: c,
        volume: 0,
        vwap: null,
        tradeCount: 0,
        filled: true,
        f: {},
      });
    }
  }
  const n = grid.length;
  const c = grid.map((r) => r.close);
  const h = grid.map((r) => r.high);
  const l = grid.map((r) => r.low);
  const lr: (number | null)[] = c.map((x, t) => (t === 0 ? null : Math.log(x / c[t - 1]!)));
  const windowOf = (t: number, w: number) =>
    t - w + 1 >= 1 ? (lr.slice(t - w + 1, t + 1) as number[]) : null;
  for (let t = 0; t < n; t++) {
    const f = grid[t]!.f;
    f.log_return = lr[t]!;
    for (const w of [10, 30, 60]) {
      const xs = windowOf(t, w);
      if (xs === null) f[`volatility_${w}`] = null;
      else {
        const m = xs.reduce((a, b) => a + b, 0) / w;
        f[`volatility_${w}`] = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (w - 1));
      }
    }
    for (const w of [5, 10, 20]) {
      const xs = windowOf(t, w);
      f[`mean_return_${w}`] = xs === null ? null : xs.reduce((a, b) => a + b, 0) / w;
    }
    f.spread = h[t]! - l[t]!;
    f.change = c[t]! - grid[t]!.open;
    f.log_range = Math.log(h[t]! / l[t]!);
    for (const k of [1, 2, 3, 4, 5]) f[`close_lag_${k}`] = t >= k ? c[t - k]! : null;
    if (t >= 13) {
      const hh = Math.max(...h.slice(t - 13, t + 1));
      const ll = Math.min(...l.slice(t - 13, t + 1));
      f.williams_r_14 = hh === ll ? null : (-100 * (hh - c[t]!)) / (hh - ll);
    } else f.williams_r_14 = null;
    f.ultimate_oscillator = t >= 28 ? ultimate(t, h, l, c) : null;
  }
  for (const p of [12, 26]) {
    const alpha = 2 / (p + 1);
    let e = 0;
    for (let t = 0; t < n; t++) {
      if (t < p - 1) grid[t]!.f[`ema_${p}`] = null;
      else {
        e = t === p - 1 ? c.slice(0, p).reduce((a, b) => a + b, 0) / p : alpha * c[t]! + (1 - alpha) * e;
        grid[t]!.f[`ema_${p}`] = e;
      }
    }
  }
  let gain = 0;
  let loss = 0;
  for (let t = 0; t < n; t++) {
    if (t < 14) {
      grid[t]!.f.rsi_14 = null;
      if (t >= 1) {
        gain += Math.max(0, c[t]! - c[t - 1]!) / 14;
        loss += Math.max(0, c[t - 1]! - c[t]!) / 14;
      }
      continue;
    }
    if (t === 14) {
      gain += Math.max(0, c[t]! - c[t - 1]!) / 14;
      loss += Math.max(0, c[t - 1]! - c[t]!) / 14;
    } else {
      gain = (gain * 13 + Math.max(0, c[t]! - c[t - 1]!)) / 14;
      loss = (loss * 13 + Math.max(0, c[t - 1]! - c[t]!)) / 14;
    }
    grid[t]!.f.rsi_14 = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  }
  return { warmup: grid.slice(0, 60), kept: grid.slice(60) };
}

function ultimate(t: number, h: number[], l: number[], c: number[]): number | null {
  const avg = (w: number) => {
    let bp = 0;
    let tr = 0;
    for (let i = t - w + 1; i <= t; i++) {
      const lo = Math.min(l[i]!, c[i - 1]!);
      bp += c[i]! - lo;
      tr += Math.max(h[i]!, c[i - 1]!) - lo;
    }
    return tr === 0 ? null : bp / tr;
  };
  const [a7, a14, a28] = [avg(7), avg(14), avg(28)];
  if (a7 === null || a14 === null || a28 === null) return null;
  return (100 * (4 * a7 + 2 * a14 + a28)) / 7;
}

/** b1 and b2 over every symbol's kept rows, sorted by window_start (the contract's words). */
export function referenceBoundaries(rows: readonly RefRow[]): { n: number; b1: number; b2: number } {
  const times = rows.map((r) => r.windowStart).sort((a, b) => a - b);
  const n = times.length;
  return { n, b1: times[Math.floor(0.7 * n)]!, b2: times[Math.floor(0.85 * n)]! };
}

/** Mean and sample std over non-null values. */
export function meanStd(xs: readonly (number | null)[]): {
  count: number;
  mean: number | null;
  std: number | null;
} {
  const v = xs.filter((x): x is number => x !== null);
  if (v.length === 0) return { count: 0, mean: null, std: null };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { count: v.length, mean, std: null };
  return {
    count: v.length,
    mean,
    std: Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1)),
  };
}

/** Relative error |a − b| / |b| ≤ tol (an exact 0 needs |a| ≤ 1e-15); nulls equal only to nulls. */
export function close(a: number | null, b: number | null, tol = 1e-9): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tol * Math.abs(b) || Math.abs(a - b) <= 1e-15;
}
