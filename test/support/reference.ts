import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ContractRow } from './contract-csv.js';

/**
 * An independent reference for the stream contract (docs/stream-contract.md), written in DuckDB SQL directly from
 * the contract's words and sharing no code with the engine: validation (plausibility bounds
 * included), per-symbol watermark from
 * the max event time of earlier valid ticks, dedup within the horizon, open windows, late ticks per
 * interval, and bars with open/close ordered by (ts, arrival).
 */

/** The contract's plausible event times, [2000-01-01, 2100-01-01), written out rather than imported. */
const EVENT_TIME_FROM_MS = 946_684_800_000;
const EVENT_TIME_TO_MS = 4_102_444_800_000;

export interface ReferenceInterval {
  readonly label: string;
  readonly sizeMs: number;
  readonly slideMs: number;
}

export interface ReferenceResult {
  readonly rows: number;
  readonly valid: number;
  readonly quarantined: number;
  readonly duplicates: number;
  readonly bars: ReferenceBar[];
  readonly late: {
    symbol: string;
    interval: string;
    ts: number;
    price: number;
    size: number;
    id: string | null;
  }[];
}

export interface ReferenceBar {
  symbol: string;
  interval: string;
  window_start: number;
  window_end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trade_count: number;
}

export async function referenceFor(
  rows: readonly ContractRow[],
  intervals: readonly ReferenceInterval[],
  lateness = 600_000,
  /** The dedup horizon; by default the allowed lateness, as in the pipeline. */
  horizon = lateness,
): Promise<ReferenceResult> {
  return withDb(async (c) => {
    await c.run(
      `CREATE TABLE raw (seq BIGINT, ts VARCHAR, symbol VARCHAR, price VARCHAR, size VARCHAR, id VARCHAR, ok_cols BOOLEAN)`,
    );
    const appender = await c.createAppender('raw');
    for (const r of rows) {
      const f = r.fields;
      appender.appendBigInt(BigInt(r.seq));
      for (const v of f ?? ['', '', '', '', '']) appender.appendVarchar(v);
      appender.appendBoolean(f !== null);
      appender.endRow();
    }
    appender.closeSync();
    return computeReference(c, intervals, lateness, horizon);
  });
}

/**
 * The same reference read straight from a well-formed replay CSV (`ts,symbol,price,size,id`, every
 * row with five fields), for files too large to hold as rows in memory (the scale benchmark).
 */
export async function referenceForCsv(
  file: string,
  intervals: readonly ReferenceInterval[],
  lateness = 600_000,
  horizon = lateness,
): Promise<ReferenceResult> {
  return withDb(async (c) => {
    const path = file.replaceAll("'", "''");
    // One thread reads the file in order, so row_number() is the position in the file.
    await c.run(`
      CREATE TABLE raw AS
      SELECT row_number() OVER () - 1 AS seq, ts, symbol, price, size, id, true AS ok_cols
      FROM read_csv('${path}', header = true, all_varchar = true, quote = '"',
        columns = {'ts': 'VARCHAR', 'symbol': 'VARCHAR', 'price': 'VARCHAR', 'size': 'VARCHAR', 'id': 'VARCHAR'})`);
    return computeReference(c, intervals, lateness, horizon);
  });
}

async function withDb<T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    await c.run(`SET TimeZone = 'UTC'`);
    return await work(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function computeReference(
  c: DuckDBConnection,
  intervals: readonly ReferenceInterval[],
  lateness: number,
  horizon: number,
): Promise<ReferenceResult> {
  await c.run(`CREATE TABLE intervals (label VARCHAR, size_ms BIGINT, slide_ms BIGINT)`);
  for (const i of intervals)
    await c.run(`INSERT INTO intervals VALUES ('${i.label}', ${i.sizeMs}, ${i.slideMs})`);

  await c.run(`
    CREATE TABLE valid AS
    WITH parsed AS (
      SELECT seq, symbol, NULLIF(id, '') AS id,
        CASE WHEN regexp_full_match(ts, '[0-9]+') THEN TRY_CAST(ts AS BIGINT)
             ELSE epoch_ms(TRY_CAST(ts AS TIMESTAMPTZ)) END AS ts,
        TRY_CAST(price AS DOUBLE) AS price, TRY_CAST(size AS DOUBLE) AS size
      FROM raw
      WHERE ok_cols AND regexp_full_match(symbol, '[A-Za-z0-9._:/-]{1,32}'))
    SELECT * FROM parsed
    WHERE ts IS NOT NULL AND ts >= ${EVENT_TIME_FROM_MS} AND ts < ${EVENT_TIME_TO_MS}
      AND price IS NOT NULL AND isfinite(price) AND price > 0 AND price <= 1e12
      AND size IS NOT NULL AND isfinite(size) AND size >= 0 AND size <= 1e12
      AND (id IS NULL OR length(id) <= 128)`);
  await c.run(`
    CREATE TABLE marked AS
    WITH w AS (
      SELECT *,
        max(ts) OVER (PARTITION BY symbol ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max,
        max(ts) OVER (PARTITION BY symbol, id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_same_id
      FROM valid)
    SELECT *, prev_max - ${lateness} AS wm,
      (id IS NOT NULL AND prev_same_id IS NOT NULL AND prev_same_id >= prev_max - ${horizon}) AS dup
    FROM w`);
  await c.run(`
    CREATE TABLE contributions AS
    SELECT m.*, i.label, i.size_ms,
      (m.ts // i.slide_ms) * i.slide_ms - k.k * i.slide_ms AS window_start
    FROM marked m, intervals i, range(0, 100) k(k)
    WHERE NOT m.dup AND k.k < i.size_ms // i.slide_ms
      AND (m.wm IS NULL OR (m.ts // i.slide_ms) * i.slide_ms - k.k * i.slide_ms + i.size_ms > m.wm)`);
  const read = async (sql: string) =>
    (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  const bars = (
    await read(`
    SELECT symbol, label AS interval, window_start, window_start + size_ms AS window_end,
      first(price ORDER BY ts ASC, seq ASC) AS open, max(price) AS high, min(price) AS low,
      first(price ORDER BY ts DESC, seq DESC) AS close, sum(size) AS volume,
      CASE WHEN sum(size) = 0 THEN NULL ELSE sum(price * size) / sum(size) END AS vwap,
      count(*) AS trade_count
    FROM contributions GROUP BY ALL ORDER BY symbol, interval, window_start`)
  ).map((b) => ({
    ...(b as unknown as ReferenceBar),
    window_start: Number(b.window_start),
    window_end: Number(b.window_end),
    trade_count: Number(b.trade_count),
  }));
  const late = (
    await read(`
    SELECT m.symbol, i.label AS interval, m.ts, m.price, m.size, m.id
    FROM marked m, intervals i
    WHERE NOT m.dup AND m.wm IS NOT NULL AND (m.ts // i.slide_ms) * i.slide_ms + i.size_ms <= m.wm
    ORDER BY m.symbol, interval, m.seq`)
  ).map((l) => ({ ...(l as never as ReferenceResult['late'][number]), ts: Number(l.ts) }));
  const [counts] =
    await read(`SELECT (SELECT count(*) FROM raw) AS rows, (SELECT count(*) FROM valid) AS valid,
    (SELECT count(*) FROM marked WHERE dup) AS duplicates`);
  return {
    rows: Number(counts!.rows),
    valid: Number(counts!.valid),
    quarantined: Number(counts!.rows) - Number(counts!.valid),
    duplicates: Number(counts!.duplicates),
    bars,
    late,
  };
}
