/**
 * Downsampling of a chart that has more bars than the file's budget allows: consecutive time steps
 * are merged into candles of `group` steps, aligned to the epoch like the lake's windows, so every
 * candle is still a true OHLCV bar of its span (open of the first bar, close of the last, high and low
 * over all, volume summed, VWAP volume-weighted). Nothing is dropped, only merged.
 */

import type { ReportBar, ReportFeatureRow } from './types.js';

/**
 * How many lake time steps (`stepMs`) each candle must merge so that bars starting between `firstMs`
 * and `lastMs` fit in `maxCandles` epoch-aligned candles.
 * @example groupSize(0, 1439 * 60_000, 60_000, 500) === 3 // a day of 1m bars in 480 candles of 3 minutes
 */
export function groupSize(firstMs: number, lastMs: number, stepMs: number, maxCandles: number): number {
  if (maxCandles < 1) throw new RangeError(`maxCandles must be ≥ 1, got ${maxCandles}`);
  const slots = Math.floor((lastMs - firstMs) / stepMs) + 1;
  let group = Math.max(1, Math.ceil(slots / maxCandles));
  const buckets = (g: number) => Math.floor(lastMs / (g * stepMs)) - Math.floor(firstMs / (g * stepMs)) + 1;
  while (buckets(group) > maxCandles) group++;
  return group;
}

/** Start of the candle of `group` steps that holds `t` (epoch-aligned). */
export function candleStart(t: number, stepMs: number, group: number): number {
  const span = stepMs * group;
  return Math.floor(t / span) * span;
}

/** Merges bars (ordered by time) into candles of `group` steps; `group` 1 returns them as they are. */
export function mergeBars(bars: readonly ReportBar[], stepMs: number, group: number): ReportBar[] {
  if (group === 1) return [...bars];
  const out: ReportBar[] = [];
  let current: { t: number; bars: ReportBar[] } | undefined;
  const flush = () => {
    if (current) out.push(mergeGroup(current.t, current.bars));
  };
  for (const bar of bars) {
    const t = candleStart(bar.t, stepMs, group);
    if (current?.t !== t) {
      flush();
      current = { t, bars: [] };
    }
    current.bars.push(bar);
  }
  flush();
  return out;
}

function mergeGroup(t: number, bars: readonly ReportBar[]): ReportBar {
  let high = -Infinity;
  let low = Infinity;
  let volume = 0;
  let weighted = 0;
  let trades = 0;
  for (const b of bars) {
    high = Math.max(high, b.high);
    low = Math.min(low, b.low);
    volume += b.volume;
    if (b.vwap !== null) weighted += b.vwap * b.volume;
    trades += b.trades;
  }
  return {
    t,
    open: bars[0]!.open,
    high,
    low,
    close: bars.at(-1)!.close,
    volume,
    vwap: volume > 0 ? weighted / volume : null,
    trades,
  };
}

/**
 * Feature rows at the same candles: log returns add up over a candle (the candle's own log return);
 * volatility and RSI are the value at the candle's last row.
 */
export function sampleFeatures(
  rows: readonly ReportFeatureRow[],
  stepMs: number,
  group: number,
): ReportFeatureRow[] {
  if (group === 1) return [...rows];
  const out: ReportFeatureRow[] = [];
  for (const row of rows) {
    const t = candleStart(row.t, stepMs, group);
    const last = out.at(-1);
    if (last?.t === t) {
      const logReturn =
        last.logReturn === null
          ? row.logReturn
          : row.logReturn === null
            ? last.logReturn
            : last.logReturn + row.logReturn;
      out[out.length - 1] = { ...row, t, logReturn };
    } else {
      out.push({ ...row, t });
    }
  }
  return out;
}
