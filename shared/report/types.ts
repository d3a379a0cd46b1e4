/**
 * What the report reads from the lake (and the run summary) and what it puts in the HTML file. The
 * input side is plain rows, engine-neutral (DuckDB or Athena produce the same); the output side is the
 * JSON the page's script turns into charts (`shared/report/page/report.js`).
 */

/** One gold bar as read from `bars` (times in epoch milliseconds). */
export interface ReportBar {
  readonly t: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly vwap: number | null;
  readonly trades: number;
}

/** One (symbol, interval) of the lake in a line: what the overview table and the accounting need. */
export interface SeriesStats {
  readonly symbol: string;
  readonly interval: string;
  readonly bars: number;
  /** Σ trade_count: the ticks in bars of a tumbling interval. */
  readonly trades: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly firstOpen: number;
  readonly lastClose: number;
}

/** Features of the preprocess run that the charts show (docs/features.md); null where undefined. */
export interface ReportFeatureRow {
  readonly t: number;
  readonly logReturn: number | null;
  readonly volatility10: number | null;
  readonly volatility30: number | null;
  readonly volatility60: number | null;
  readonly rsi14: number | null;
}

/** Late ticks of one symbol and interval whose `ts` falls in one UTC minute. */
export interface LateMinute {
  readonly symbol: string;
  readonly interval: string;
  readonly minuteMs: number;
  readonly ticks: number;
}

/** Late ticks of one symbol and interval in all. */
export interface LateCount {
  readonly symbol: string;
  readonly interval: string;
  readonly ticks: number;
}

/** Late ticks of one interval whose `ts` falls in one UTC minute, hour or day (all symbols together). */
export interface LateBucket {
  readonly interval: string;
  /** Start of the minute, hour or day, epoch ms. */
  readonly t: number;
  readonly ticks: number;
}

/** Quarantined records with one reason (its `(got …)` part removed) and field. */
export interface QuarantineGroup {
  readonly reason: string;
  readonly field: string | null;
  readonly records: number;
}

/** The counts of a run's `summary.json` that the quality panel checks (see local/run/summary.ts). */
export interface RunCounts {
  readonly rows: number;
  readonly valid: number;
  readonly quarantined: number;
  readonly duplicates: number;
  readonly late: Readonly<Record<string, number>>;
  readonly bars: Readonly<Record<string, number>>;
  readonly discarded?: { readonly records: number; readonly ticks: number };
}

/** Everything the report is built from. */
export interface ReportInput {
  /** Where it came from, for the header (`lake /path/to/lake`, `Athena workgroup tickflow`). */
  readonly source: string;
  /** Every (symbol, interval) in scope: all symbols of the lake, or those asked for. */
  readonly stats: readonly SeriesStats[];
  /** Whether `stats` covers the whole lake (no symbol filter): the accounting needs every bar. */
  readonly wholeLake: boolean;
  /** Bars of the symbols on this page, keyed by {@link seriesKey}, ordered by time. */
  readonly bars: ReadonlyMap<string, readonly ReportBar[]>;
  /** Feature rows of the symbols on this page, per symbol, ordered by time. */
  readonly features: ReadonlyMap<string, readonly ReportFeatureRow[]>;
  /** Late ticks of the symbols on this page per minute: the markers on their charts. */
  readonly late: readonly LateMinute[];
  /** Late ticks per symbol and interval, every symbol in scope. */
  readonly lateTotals: readonly LateCount[];
  /** Late ticks per interval over time, every symbol in scope. */
  readonly lateBuckets: readonly LateBucket[];
  readonly quarantine: readonly QuarantineGroup[];
  readonly run?: RunCounts;
  /** When the report was made (epoch ms); passed in to keep the model a pure function. */
  readonly generatedAtMs: number;
}

/** Key of one chart: symbol and interval. */
export function seriesKey(symbol: string, interval: string): string {
  return `${symbol}\u0000${interval}`;
}

/**
 * One chart's data, column-wise (short field names keep the file small): times in epoch seconds
 * (lightweight-charts' UTCTimestamp), prices exactly as in the lake, volume and VWAP to 8 significant
 * digits. `group` > 1 means each candle merges that many time steps of the lake's bars (downsampled).
 */
export interface ChartData {
  readonly symbol: string;
  readonly interval: string;
  /** Bars in the lake for this chart. */
  readonly lakeBars: number;
  /** Lake time steps per candle (1 = every bar drawn as it is). */
  readonly group: number;
  readonly t: number[];
  readonly o: number[];
  readonly h: number[];
  readonly l: number[];
  readonly c: number[];
  readonly v: number[];
  readonly w: (number | null)[];
  /** Late ticks per candle time (epoch seconds → count), only candles that had some. */
  readonly late: [number, number][];
}

/** Feature lines of one symbol, sampled at the candle times of its chart in the features' interval. */
export interface FeatureData {
  readonly t: number[];
  readonly logReturn: (number | null)[];
  readonly volatility10: (number | null)[];
  readonly volatility30: (number | null)[];
  readonly volatility60: (number | null)[];
  readonly rsi14: (number | null)[];
}

/** One line of the accounting identity, checked. */
export interface AccountingLine {
  readonly label: string;
  /** The equation in words with its numbers, e.g. `200,000 = 199,990 valid + 10 quarantined`. */
  readonly text: string;
  /** null when it cannot be checked (sliding interval, a symbol filter). */
  readonly holds: boolean | null;
}

export interface OverviewRow {
  readonly symbol: string;
  /** Page of the report that charts it (1-based). */
  readonly page: number;
  readonly bars: number;
  readonly late: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Change over the finest interval's bars, in percent. */
  readonly changePct: number;
}

export interface QualityPanel {
  /** null without a run summary. */
  readonly accounting: readonly AccountingLine[] | null;
  readonly duplicates: number | null;
  readonly lateTotal: number;
  /** Late ticks per interval over time, in buckets of `bucketSeconds`. */
  readonly lateOverTime: {
    readonly bucketSeconds: number;
    readonly series: readonly { interval: string; t: number[]; n: number[] }[];
  };
  readonly quarantine: {
    readonly total: number;
    readonly groups: readonly { reason: string; field: string | null; records: number }[];
  };
}

export interface PageInfo {
  readonly number: number;
  readonly pages: number;
  readonly perPage: number;
  readonly totalSymbols: number;
}

/** The report as the page's script receives it. */
export interface ReportModel {
  readonly title: string;
  readonly source: string;
  readonly generatedAt: string;
  readonly page: PageInfo;
  /** What was left out or merged, said plainly (paging, downsampling, missing features). */
  readonly notes: readonly string[];
  readonly symbols: readonly string[];
  readonly intervals: readonly string[];
  readonly defaults: { readonly symbol: string; readonly interval: string };
  readonly charts: readonly ChartData[];
  /** The features' interval and per-symbol lines; null when the lake has none for these symbols. */
  readonly features: { readonly interval: string; readonly bySymbol: Record<string, FeatureData> } | null;
  readonly quality: QualityPanel;
  readonly overview: readonly OverviewRow[];
}
