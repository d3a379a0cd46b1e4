/**
 * The report model: lake rows → what the page draws. Pure: the same input gives the same model, so
 * everything the file decides (which candles, merged how, which notes) is tested without a browser.
 */

import { parseInterval } from '../domain/intervals.js';
import { candleStart, groupSize, mergeBars, sampleFeatures } from './downsample.js';
import { pageOf } from './paging.js';
import { qualityPanel, sortIntervals } from './quality.js';
import {
  type ChartData,
  type FeatureData,
  type OverviewRow,
  type PageInfo,
  type ReportBar,
  type ReportFeatureRow,
  type ReportInput,
  type ReportModel,
  seriesKey,
} from './types.js';

/** Candles per file unless `--max-candles` says otherwise: what keeps a file to a few megabytes. */
export const DEFAULT_MAX_CANDLES = 60_000;

export interface ModelOptions {
  /** The symbols this file charts and where they sit among all of them ({@link pageOfSymbols}). */
  readonly page: { readonly symbols: readonly string[]; readonly info: PageInfo };
  /** Candles in all charts together. @default DEFAULT_MAX_CANDLES */
  readonly maxCandles?: number;
}

/**
 * Builds the model of one report file.
 * @example buildReportModel(input, { page: pageOfSymbols(symbols, 1) })
 */
export function buildReportModel(input: ReportInput, options: ModelOptions): ReportModel {
  const { symbols, info } = options.page;
  const maxCandles = options.maxCandles ?? DEFAULT_MAX_CANDLES;
  const intervals = sortIntervals([...new Set(input.stats.map((s) => s.interval))]);
  const keys = symbols.flatMap((symbol) =>
    intervals
      .filter((i) => input.bars.get(seriesKey(symbol, i))?.length)
      .map((i) => ({ symbol, interval: i })),
  );
  const budget = allocate(
    keys.map((k) => input.bars.get(seriesKey(k.symbol, k.interval))!.length),
    maxCandles,
  );
  const lateBy = lateByCandle(input);
  const charts = keys.map((k, i) =>
    chartData(k.symbol, k.interval, input.bars.get(seriesKey(k.symbol, k.interval))!, budget[i]!, lateBy),
  );
  const features = featureData(input, charts, intervals);
  const notes = [
    ...pagingNotes(info, symbols),
    ...downsamplingNotes(charts, maxCandles),
    ...featureNotes(features, symbols),
    ...(input.run ? [] : ['No run summary: the accounting identity and duplicate counts are not shown.']),
  ];
  const defaultInterval =
    features && intervals.includes(features.interval) ? features.interval : (intervals[0] ?? '');
  return {
    title: `tickflow report — ${info.totalSymbols.toLocaleString('en-US')} symbol${info.totalSymbols === 1 ? '' : 's'}`,
    source: input.source,
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    page: info,
    notes,
    symbols,
    intervals,
    defaults: { symbol: symbols[0] ?? '', interval: defaultInterval },
    charts,
    features,
    quality: qualityPanel(
      input.stats,
      input.lateTotals,
      input.lateBuckets,
      input.quarantine,
      input.run,
      input.wholeLake,
    ),
    overview: overviewRows(input, intervals[0], info.perPage),
  };
}

/**
 * Splits a candle budget between charts: small charts get all their bars, the rest share what is
 * left equally (water-filling), each at least one candle.
 * @example allocate([100, 5000, 5000], 3000) // [100, 1450, 1450]
 */
export function allocate(sizes: readonly number[], budget: number): number[] {
  const order = sizes.map((n, i) => ({ n, i })).sort((a, b) => a.n - b.n);
  const out = new Array<number>(sizes.length);
  let left = budget;
  order.forEach(({ n, i }, k) => {
    const share = Math.max(1, Math.floor(left / (order.length - k)));
    out[i] = Math.min(n, share);
    left -= out[i]!;
  });
  return out;
}

function chartData(
  symbol: string,
  interval: string,
  bars: readonly ReportBar[],
  maxCandles: number,
  lateBy: ReadonlyMap<string, ReadonlyMap<number, number>>,
): ChartData {
  const step = parseInterval(interval).slideMs;
  const group = bars.length <= maxCandles ? 1 : groupSize(bars[0]!.t, bars.at(-1)!.t, step, maxCandles);
  const candles = mergeBars(bars, step, group);
  const times = new Set(candles.map((c) => c.t));
  const late = new Map<number, number>();
  for (const [t, n] of lateBy.get(seriesKey(symbol, interval)) ?? []) {
    const at = candleStart(t, step, group);
    if (times.has(at)) late.set(at / 1000, (late.get(at / 1000) ?? 0) + n);
  }
  return {
    symbol,
    interval,
    lakeBars: bars.length,
    group,
    t: candles.map((c) => c.t / 1000),
    o: candles.map((c) => c.open),
    h: candles.map((c) => c.high),
    l: candles.map((c) => c.low),
    c: candles.map((c) => c.close),
    v: candles.map((c) => sig(c.volume)),
    w: candles.map((c) => (c.vwap === null ? null : sig(c.vwap))),
    late: [...late].sort((a, b) => a[0] - b[0]),
  };
}

/** Late ticks per chart and window start: a late tick marks the window of its interval that holds its minute. */
function lateByCandle(input: ReportInput): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const m of input.late) {
    const step = parseInterval(m.interval).slideMs;
    const key = seriesKey(m.symbol, m.interval);
    const windows = out.get(key) ?? new Map<number, number>();
    const t = Math.floor(m.minuteMs / step) * step;
    windows.set(t, (windows.get(t) ?? 0) + m.ticks);
    out.set(key, windows);
  }
  return out;
}

/**
 * Features are computed for one interval (docs/features.md); it is read from the rows' grid step,
 * so the same code works on Athena, where the manifest is not at hand.
 */
function featureData(
  input: ReportInput,
  charts: readonly ChartData[],
  intervals: readonly string[],
): ReportModel['features'] {
  const interval = featureInterval(input.features, intervals);
  if (!interval) return null;
  const step = parseInterval(interval).slideMs;
  const bySymbol: Record<string, FeatureData> = {};
  for (const [symbol, rows] of input.features) {
    const chart = charts.find((c) => c.symbol === symbol && c.interval === interval);
    if (!chart || rows.length === 0) continue;
    const sampled = sampleFeatures(rows, step, chart.group);
    const column = (pick: (r: ReportFeatureRow) => number | null) =>
      sampled.map((r) => {
        const v = pick(r);
        return v === null ? null : sig(v);
      });
    bySymbol[symbol] = {
      t: sampled.map((r) => r.t / 1000),
      logReturn: column((r) => r.logReturn),
      volatility10: column((r) => r.volatility10),
      volatility30: column((r) => r.volatility30),
      volatility60: column((r) => r.volatility60),
      rsi14: column((r) => r.rsi14),
    };
  }
  return Object.keys(bySymbol).length > 0 ? { interval, bySymbol } : null;
}

/** The tumbling interval whose size is the smallest step between consecutive feature rows of a symbol. */
export function featureInterval(
  features: ReadonlyMap<string, readonly ReportFeatureRow[]>,
  intervals: readonly string[],
): string | null {
  let step = Infinity;
  for (const rows of features.values()) {
    for (let i = 1; i < rows.length; i++) step = Math.min(step, rows[i]!.t - rows[i - 1]!.t);
  }
  return (
    intervals.find((label) => {
      const spec = parseInterval(label);
      return spec.sizeMs === spec.slideMs && spec.sizeMs === step;
    }) ?? null
  );
}

function overviewRows(input: ReportInput, interval: string | undefined, perPage: number): OverviewRow[] {
  const symbols = [...new Set(input.stats.map((s) => s.symbol))].sort();
  const late = new Map<string, number>();
  for (const m of input.lateTotals) {
    if (m.interval === interval) late.set(m.symbol, (late.get(m.symbol) ?? 0) + m.ticks);
  }
  const stats = new Map(input.stats.filter((s) => s.interval === interval).map((s) => [s.symbol, s]));
  return symbols.map((symbol, i) => {
    const s = stats.get(symbol);
    return {
      symbol,
      page: pageOf(i, perPage),
      bars: s?.bars ?? 0,
      late: late.get(symbol) ?? 0,
      firstMs: s?.firstMs ?? 0,
      lastMs: s?.lastMs ?? 0,
      changePct: s ? Number(((s.lastClose / s.firstOpen - 1) * 100).toFixed(2)) : 0,
    };
  });
}

function pagingNotes(info: PageInfo, symbols: readonly string[]): string[] {
  if (info.pages === 1) return [];
  const first = (info.number - 1) * info.perPage + 1;
  const next = info.number < info.pages ? ` Next: --page ${info.number + 1}.` : '';
  return [
    `${fmt(info.totalSymbols)} symbols: this file charts ${fmt(first)}–${fmt(first + symbols.length - 1)} ` +
      `(${symbols[0]} … ${symbols.at(-1)}), page ${info.number} of ${info.pages} of ${info.perPage} symbols; ` +
      `the overview table lists all of them.${next}`,
  ];
}

function downsamplingNotes(charts: readonly ChartData[], maxCandles: number): string[] {
  const merged = charts.filter((c) => c.group > 1);
  if (merged.length === 0) return [];
  return [
    `Downsampled to stay within ${fmt(maxCandles)} candles: ${merged.length} of ${charts.length} charts merge ` +
      `consecutive bars into one candle (true OHLCV of the span; each chart says how many).`,
  ];
}

function featureNotes(features: ReportModel['features'], symbols: readonly string[]): string[] {
  if (!features) {
    return [
      'No features of a preprocess run in the lake for these symbols: run `tickflow preprocess` to add log returns, volatility and RSI.',
    ];
  }
  const n = Object.keys(features.bySymbol).length;
  return n < symbols.length
    ? [
        `Features (${features.interval}) for ${n} of ${symbols.length} symbols; the others have none in the lake.`,
      ]
    : [];
}

/** A number to `digits` significant digits: display values (volume, VWAP, features) need no more. */
function sig(x: number, digits = 8): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
