/**
 * `tickflow query` on the local lake: DuckDB views over Parquet files written by the production writer
 * (shared/adapters/parquet), the named-query catalogue run end to end, and SQL errors with positions.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbLake, LakeDirectoryError } from '../../shared/adapters/query/duckdb-lake.js';
import { SqlError } from '../../shared/query/errors.js';
import { LAKE_TABLES } from '../../shared/query/lake-tables.js';
import { NAMED_QUERIES } from '../../shared/query/named-queries.js';
import { findNamedQuery, renderNamedQuery } from '../../shared/query/render-named-query.js';
import { type QueryValue, rowObjects } from '../../shared/query/result.js';
import { writeSmallLake } from '../support/query/small-lake.js';

let lake: DuckDbLake;
let remove: () => void;
const rows = async (sql: string) => rowObjects(await lake.run(sql));
const named = async (name: string, params: Record<string, string>) =>
  rows(renderNamedQuery(findNamedQuery(name), params));

beforeAll(async () => {
  const written = writeSmallLake();
  remove = written.remove;
  lake = await DuckDbLake.open({ lakeDir: written.lakeDir });
});
afterAll(async () => {
  await lake?.close();
  remove?.();
});

describe('lake views', () => {
  it('creates one view per Glue table; datasets without files are empty views', () => {
    expect(lake.views.withFiles).toEqual(['bars', 'late', 'quarantine']);
    expect(lake.views.empty).toEqual(['ticks', 'features']);
  });

  it("decodes percent-encoded partitions, so symbol = 'EUR/USD' reads symbol=EUR%2FUSD", async () => {
    const result = await rows(
      `SELECT symbol, "interval", "date", count(*) AS n FROM bars WHERE symbol = 'EUR/USD'
       GROUP BY ALL ORDER BY "interval", "date"`,
    );
    expect(result).toEqual([
      { symbol: 'EUR/USD', interval: '1m', date: '2024-01-01', n: 1 },
      { symbol: 'EUR/USD', interval: '1m', date: '2024-01-02', n: 4 },
      { symbol: 'EUR/USD', interval: '5m', date: '2024-01-02', n: 1 },
    ]);
  });

  it.each(LAKE_TABLES.map((t) => [t.name, t] as const))(
    '%s has the schema columns, then string partition columns, timestamps in UTC',
    async (_, table) => {
      const described = await rows(`SELECT column_name, column_type FROM (DESCRIBE ${table.name})`);
      const expected = [
        ...table.fileColumns.map((c) => [c.name, c.type]),
        ...table.partitionColumns.map((name) => [name, 'partition']),
      ];
      expect(described.map((d) => d.column_name)).toEqual(expected.map(([name]) => name));
      const typeOf = Object.fromEntries(described.map((d) => [d.column_name, d.column_type]));
      for (const [name, type] of expected) {
        if (type === 'timestamp') expect(typeOf[name!]).toBe('TIMESTAMP WITH TIME ZONE');
        if (type === 'partition') expect(typeOf[name!]).toBe('VARCHAR');
      }
    },
  );

  it('an empty dataset is queryable and returns no rows', async () => {
    const result = await lake.run(`SELECT symbol, ts, price FROM ticks WHERE symbol = 'EUR/USD'`);
    expect(result.rows).toEqual([]);
    expect(result.columns.map((c) => [c.name, c.kind])).toEqual([
      ['symbol', 'string'],
      ['ts', 'timestamp'],
      ['price', 'number'],
    ]);
    expect(await rows('SELECT count(*) AS n, max(rsi_14) AS rsi FROM features')).toEqual([
      { n: 0, rsi: null },
    ]);
  });

  it('returns timestamps as ISO-8601 UTC strings and nulls as null', async () => {
    const result = await rows(
      `SELECT window_start, vwap FROM bars WHERE symbol = 'EUR/USD' AND "interval" = '1m'
       AND window_start = TIMESTAMP '2024-01-02 11:00:00'`,
    );
    expect(result).toEqual([{ window_start: '2024-01-02T11:00:00.000Z', vwap: null }]);
  });

  it('refuses a lake directory that does not exist', async () => {
    await expect(DuckDbLake.open({ lakeDir: '/nonexistent/tickflow-lake' })).rejects.toBeInstanceOf(
      LakeDirectoryError,
    );
  });
});

describe('named queries on DuckDB', () => {
  const symbols = 'EUR/USD,BTCUSDT';

  it('every named query runs with its example parameters', async () => {
    for (const query of NAMED_QUERIES) {
      const example = Object.fromEntries(query.parameters.map((p) => [p.name, p.example]));
      await expect(lake.run(renderNamedQuery(query, example)), query.name).resolves.toBeDefined();
    }
  });

  it('latest-bars: newest first, one interval, limited', async () => {
    const result = await named('latest-bars', { symbol: 'EUR/USD', limit: '2' });
    expect(result.map((r) => [r.window_start, r.close, r.interval])).toEqual([
      ['2024-01-02T11:29:00.000Z', 1.1075, '1m'],
      ['2024-01-02T11:00:00.000Z', 1.104, '1m'],
    ]);
  });

  it('daily-vwap: Σ(vwap·volume)/Σvolume per symbol and day, zero-volume bars ignored', async () => {
    const result = await named('daily-vwap', { symbols });
    expect(result.map((r) => [r.symbol, r.date, r.volume, r.trade_count, r.bars])).toEqual([
      ['BTCUSDT', '2024-01-02', 4, 10, 3],
      ['EUR/USD', '2024-01-01', 10, 3, 1],
      ['EUR/USD', '2024-01-02', 100, 15, 4],
    ]);
    expect(result.map((r) => r.vwap)).toEqual([
      expect.closeTo((42050 + 2 * 41500 + 40975) / 4, 9),
      expect.closeTo(1.0995, 12),
      expect.closeTo(1.10385, 12),
    ]);
  });

  it('top-movers: last hour relative to the newest bar, largest |change| first', async () => {
    const result = await named('top-movers', { symbols });
    expect(result.map((r) => [r.symbol, r.first_open, r.last_close, r.bars, r.first_bar])).toEqual([
      ['BTCUSDT', 42000, 40950, 2, '2024-01-02T11:00:00.000Z'],
      ['EUR/USD', 1.102, 1.1075, 3, '2024-01-02T10:30:00.000Z'],
    ]);
    expect(result[0]!.change_pct).toBeCloseTo(-2.5, 12);
    expect(result[1]!.change_pct).toBeCloseTo((0.0055 / 1.102) * 100, 9);
  });

  it('late-report: late ticks per interval and symbol with lateness = watermark − ts', async () => {
    const result = await named('late-report', { symbols });
    expect(
      result.map((r) => [r.interval, r.symbol, r.late_ticks, r.avg_lateness_ms, r.max_lateness_ms]),
    ).toEqual([
      ['1m', 'BTCUSDT', 1, 1500, 1500],
      ['1m', 'EUR/USD', 2, 285_000, 300_000],
      ['5m', 'EUR/USD', 1, 60_000, 60_000],
    ]);
  });

  it('data-quality: quarantine reasons with counts and shares, filtered by arrival date', async () => {
    const all = await named('data-quality', {});
    expect(all.map((r) => [r.reason, r.field, r.records, r.pct])).toEqual([
      ['price must be > 0', 'price', 3, 60],
      ['invalid symbol', 'symbol', 1, 20],
      ['not JSON', null, 1, 20],
    ]);
    const oneDay = await named('data-quality', { from: '2024-01-02', to: '2024-01-02' });
    expect(oneDay.map((r) => [r.reason, r.records, r.pct] as QueryValue[])).toEqual([
      ['price must be > 0', 3, 75],
      ['not JSON', 1, 25],
    ]);
  });
});

describe('SQL errors', () => {
  it('a binder error names the column and points at it', async () => {
    const error = await lake.run('SELECT symbol,\n  nope FROM bars').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).position).toEqual({ line: 2, column: 3 });
    expect((error as SqlError).message).toMatch(
      /^duckdb: Binder Error: Referenced column "nope" not found.* \(line 2, column 3: ▸nope FROM bars\)$/,
    );
    expect((error as SqlError).message).not.toContain('\n');
  });

  it('a parser error keeps the true column when DuckDB shortens a long line', async () => {
    const sql = `SELECT ${Array.from({ length: 30 }, (_, i) => `close AS c${i}`).join(', ')} FORM bars`;
    const error = (await lake.run(sql).catch((e: unknown) => e)) as SqlError;
    expect(error).toBeInstanceOf(SqlError);
    expect(error.detail).toMatch(/^Parser Error: syntax error at or near "FORM"/);
    expect(error.position).toEqual({ line: 1, column: sql.indexOf('FORM') + 1 });
  });
});
