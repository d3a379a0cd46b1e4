/**
 * Reads a report's rows through a QueryEngine (DuckDB over the local lake, or Athena) and builds the
 * model. The engine is a port: this module runs SQL texts and converts rows, nothing else.
 */

import { type QueryEngine, type QueryValue, rowObjects } from '../query/result.js';
import { EmptyLakeError, UnknownSymbolsError } from './errors.js';
import { buildReportModel } from './model.js';
import { pageOfSymbols } from './paging.js';
import { lateTruncUnit } from './quality.js';
import {
  barsSql,
  featuresSql,
  lateBucketsSql,
  lateRangeSql,
  lateSql,
  lateTotalsSql,
  QUARANTINE_SQL,
  statsSql,
} from './queries.js';
import {
  type ReportBar,
  type ReportFeatureRow,
  type ReportInput,
  type ReportModel,
  type RunCounts,
  type SeriesStats,
  seriesKey,
} from './types.js';

export interface ReportRequest {
  /** For the header and error messages, e.g. `lake /tmp/lake`. */
  readonly source: string;
  /** Only these symbols (Athena needs them: its symbol partition is injected). @default every symbol */
  readonly symbols?: readonly string[];
  /** @default 1 */
  readonly page?: number;
  readonly perPage?: number;
  readonly maxCandles?: number;
  readonly run?: RunCounts;
  /** @default Date.now() */
  readonly nowMs?: number;
}

/**
 * Queries the lake and builds the report model of one page of symbols.
 * @throws EmptyLakeError when there are no bars; UnknownSymbolsError when `symbols` names absent ones.
 */
export async function loadReport(engine: QueryEngine, request: ReportRequest): Promise<ReportModel> {
  const rows = async (sql: string) => rowObjects(await engine.run(sql));
  const stats = (await rows(statsSql(request.symbols))).map(toStats);
  if (stats.length === 0) {
    if (request.symbols) throw new UnknownSymbolsError(request.source, request.symbols);
    throw new EmptyLakeError(request.source);
  }
  const present = new Set(stats.map((s) => s.symbol));
  const missing = (request.symbols ?? []).filter((s) => !present.has(s));
  if (missing.length > 0) throw new UnknownSymbolsError(request.source, missing);

  const page = pageOfSymbols([...present], request.page ?? 1, request.perPage);
  const bars = new Map<string, ReportBar[]>();
  for (const r of await rows(barsSql(page.symbols))) {
    const key = seriesKey(String(r.symbol), String(r.interval));
    const list = bars.get(key) ?? [];
    list.push(toBar(r));
    bars.set(key, list);
  }
  const features = new Map<string, ReportFeatureRow[]>();
  for (const r of await rows(featuresSql(page.symbols))) {
    const list = features.get(String(r.symbol)) ?? [];
    list.push(toFeature(r));
    features.set(String(r.symbol), list);
  }
  const late = (await rows(lateSql(page.symbols))).map((r) => ({
    symbol: String(r.symbol),
    interval: String(r.interval),
    minuteMs: time(r.minute),
    ticks: num(r.ticks),
  }));
  const lateTotals = (await rows(lateTotalsSql(request.symbols))).map((r) => ({
    symbol: String(r.symbol),
    interval: String(r.interval),
    ticks: num(r.ticks),
  }));
  const [range] = await rows(lateRangeSql(request.symbols));
  const lateBuckets =
    range?.first_ts == null
      ? []
      : (
          await rows(
            lateBucketsSql(lateTruncUnit(time(range.first_ts), time(range.last_ts)), request.symbols),
          )
        ).map((r) => ({ interval: String(r.interval), t: time(r.t), ticks: num(r.ticks) }));
  const quarantine = (await rows(QUARANTINE_SQL)).map((r) => ({
    reason: String(r.reason),
    field: r.field === null ? null : String(r.field),
    records: num(r.records),
  }));
  const input: ReportInput = {
    source: request.source,
    stats,
    wholeLake: request.symbols === undefined,
    bars,
    features,
    late,
    lateTotals,
    lateBuckets,
    quarantine,
    ...(request.run && { run: request.run }),
    generatedAtMs: request.nowMs ?? Date.now(),
  };
  return buildReportModel(input, {
    page,
    ...(request.maxCandles !== undefined && { maxCandles: request.maxCandles }),
  });
}

type Row = Record<string, QueryValue>;

function toStats(r: Row): SeriesStats {
  return {
    symbol: String(r.symbol),
    interval: String(r.interval),
    bars: num(r.bars),
    trades: num(r.trades),
    firstMs: time(r.first_start),
    lastMs: time(r.last_start),
    firstOpen: num(r.first_open),
    lastClose: num(r.last_close),
  };
}

function toBar(r: Row): ReportBar {
  return {
    t: time(r.window_start),
    open: num(r.open),
    high: num(r.high),
    low: num(r.low),
    close: num(r.close),
    volume: num(r.volume),
    vwap: r.vwap === null ? null : num(r.vwap),
    trades: num(r.trade_count),
  };
}

function toFeature(r: Row): ReportFeatureRow {
  const opt = (v: QueryValue) => (v === null ? null : num(v));
  return {
    t: time(r.window_start),
    logReturn: opt(r.log_return),
    volatility10: opt(r.volatility_10),
    volatility30: opt(r.volatility_30),
    volatility60: opt(r.volatility_60),
    rsi14: opt(r.rsi_14),
  };
}

/** Engines return integers beyond 2^53 as digit strings; counts and prices here are numbers. */
function num(v: QueryValue): number {
  return typeof v === 'number' ? v : Number(v);
}

/** Timestamps arrive as ISO-8601 UTC strings from both engines. */
function time(v: QueryValue): number {
  return Date.parse(String(v));
}
