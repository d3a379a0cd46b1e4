import { describe, expect, it } from 'vitest';
import { athenaKind, athenaValue } from '../../../shared/adapters/query/athena-values.js';
import { duckDbViewSql, LAKE_TABLES } from '../../../shared/query/lake-tables.js';
import { renderResult } from '../../../shared/query/render.js';

describe('Athena values', () => {
  it.each([
    ['timestamp(3)', '2024-01-02 09:30:00.123', '2024-01-02T09:30:00.123Z'],
    ['timestamp', '2024-01-02 09:30:00', '2024-01-02T09:30:00.000Z'],
    ['timestamp(6) with time zone', '2024-01-02 09:30:00.123456 UTC', '2024-01-02T09:30:00.123Z'],
    ['decimal(10,2)', '12.50', 12.5],
    ['bigint', '-42', -42],
    ['boolean', 'false', false],
    ['date', '2024-01-02', '2024-01-02'],
    ['array(varchar)', '[a, b]', '[a, b]'],
  ])('%s %s', (type, text, expected) => {
    expect(athenaValue(athenaKind(type), text)).toEqual(expected);
  });

  it('an absent VarCharValue is NULL; an empty one is an empty string', () => {
    expect(athenaValue('string', undefined)).toBeNull();
    expect(athenaValue('string', '')).toBe('');
  });
});

describe('DuckDB view definitions', () => {
  it('an empty dataset is a typed view with no rows', () => {
    const quarantine = LAKE_TABLES.find((t) => t.name === 'quarantine')!;
    expect(duckDbViewSql(quarantine, null)).toBe(
      'CREATE OR REPLACE VIEW "quarantine" AS SELECT CAST(NULL AS VARCHAR) AS "raw", CAST(NULL AS VARCHAR) AS "reason", ' +
        'CAST(NULL AS VARCHAR) AS "field", CAST(NULL AS TIMESTAMPTZ) AS "arrival_time", CAST(NULL AS VARCHAR) AS "shard_id", ' +
        'CAST(NULL AS VARCHAR) AS "sequence_number", CAST(NULL AS INTEGER) AS "sub_index", CAST(NULL AS VARCHAR) AS "date" WHERE false',
    );
  });

  it('reads files with string partitions and escapes the path', () => {
    const bars = LAKE_TABLES.find((t) => t.name === 'bars')!;
    expect(duckDbViewSql(bars, "/tmp/o'lake/bars/**/*.parquet")).toContain(
      `FROM read_parquet('/tmp/o''lake/bars/**/*.parquet', hive_partitioning = true, ` +
        `hive_types = {'interval': VARCHAR, 'symbol': VARCHAR, 'date': VARCHAR}, union_by_name = true)`,
    );
  });
});

describe('result rendering', () => {
  const result = {
    columns: [
      { name: 'note', type: 'VARCHAR', kind: 'string' as const },
      { name: 'x', type: 'DOUBLE', kind: 'number' as const },
    ],
    rows: [
      ['a,"b"', 1.5],
      [null, Number.NaN],
    ],
  };

  it('quotes CSV cells with commas and quotes', () => {
    expect(renderResult(result, 'csv')).toBe('note,x\n"a,""b""",1.5\n,NaN\n');
  });

  it('writes JSON objects, non-finite numbers as strings', () => {
    expect(JSON.parse(renderResult(result, 'json'))).toEqual([
      { note: 'a,"b"', x: 1.5 },
      { note: null, x: 'NaN' },
    ]);
  });

  it('right-aligns numbers in tables and shows NULL', () => {
    expect(renderResult(result, 'table')).toBe('note     x\n-----  ---\na,"b"  1.5\nNULL   NaN\n(2 rows)\n');
  });
});
