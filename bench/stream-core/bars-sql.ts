import type { DuckDBConnection } from '@duckdb/node-api';
import type { IntervalSpec } from '../../shared/domain/index.js';
import type { Tick } from '../../shared/domain/types.js';
import { BenchWorkloadError } from '../harness/errors.js';

/**
 * The DuckDB reference of the stream core: the same bars computed with SQL over a table of the same
 * ticks. It ignores lateness and duplicates ("every tick is in every one of its windows"), which is
 * the contract exactly when no tick is late and no trade id repeats — the stream benchmark checks
 * both on our result before it compares anything. Open/close follow the contract's order: smallest
 * (largest) ts, ties broken by arrival, encoded as one BIGINT key `ts · 2^seqBits + arrival`.
 */

/** Loads ticks into `table` (seq = arrival index). Returns the number of bits the arrival index needs. */
export async function loadTicks(
  connection: DuckDBConnection,
  ticks: readonly Tick[],
  table = 'ticks',
): Promise<number> {
  await connection.run(
    `CREATE OR REPLACE TABLE ${table}_raw (seq INTEGER, symbol VARCHAR, ts DOUBLE, price DOUBLE, size DOUBLE)`,
  );
  const appender = await connection.createAppender(`${table}_raw`);
  for (let i = 0; i < ticks.length; i++) {
    const t = ticks[i]!;
    appender.appendInteger(i);
    appender.appendVarchar(t.symbol);
    appender.appendDouble(t.ts);
    appender.appendDouble(t.price);
    appender.appendDouble(t.size);
    appender.endRow();
  }
  appender.closeSync();
  await connection.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT seq, symbol, CAST(ts AS BIGINT) AS ts, price, size FROM ${table}_raw`,
  );
  await connection.run(`DROP TABLE ${table}_raw`);
  const seqBits = Math.max(1, Math.ceil(Math.log2(ticks.length + 1)));
  const maxTs = ticks.reduce((m, t) => Math.max(m, t.ts), 0);
  if (maxTs * 2 ** seqBits >= 2 ** 63) {
    throw new BenchWorkloadError(
      'stream-core',
      `ts · 2^${seqBits} overflows BIGINT: too many ticks for the order key`,
    );
  }
  return seqBits;
}

/** `CREATE TABLE target AS` the bars of every interval (tumbling by integer division, sliding by expansion). */
export function barsSql(
  intervals: readonly IntervalSpec[],
  seqBits: number,
  source = 'ticks',
  target = 'sql_bars',
): string {
  const key = `ts * ${2 ** seqBits} + seq`;
  const selects = intervals.map((spec) => {
    const perTick = spec.sizeMs / spec.slideMs;
    const windowStart =
      perTick === 1
        ? `(ts // ${spec.sizeMs}) * ${spec.sizeMs}`
        : `(ts // ${spec.slideMs}) * ${spec.slideMs} - j * ${spec.slideMs}`;
    const from = perTick === 1 ? source : `${source}, range(0, ${perTick}) AS r(j)`;
    return `SELECT symbol, '${spec.label}' AS interval, ${windowStart} AS window_start,
        arg_min(price, ${key}) AS open, max(price) AS high, min(price) AS low, arg_max(price, ${key}) AS close,
        sum(size) AS volume, sum(price * size) AS price_volume, count(*) AS trade_count
      FROM ${from} GROUP BY symbol, window_start`;
  });
  const sizes = intervals.map((s) => `WHEN '${s.label}' THEN ${s.sizeMs}`).join(' ');
  return `CREATE OR REPLACE TABLE ${target} AS
    SELECT symbol, interval, window_start, window_start + CASE interval ${sizes} END AS window_end,
      open, high, low, close, volume,
      CASE WHEN volume = 0 THEN NULL ELSE price_volume / volume END AS vwap, trade_count
    FROM (${selects.join('\n      UNION ALL\n      ')})`;
}
