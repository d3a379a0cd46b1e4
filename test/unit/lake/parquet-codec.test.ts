import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeParquet, encodeParquet, inspectParquet } from '../../../shared/adapters/parquet/index.js';
import { LakeSchemaError } from '../../../shared/lake/errors.js';
import type { LakeRow } from '../../../shared/lake/schemas.js';
import { BARS_SCHEMA, featuresSchema, QUARANTINE_SCHEMA } from '../../../shared/lake/schemas.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 2, 9, 30, 0, 123);

function bars(n: number): LakeRow[] {
  return Array.from({ length: n }, (_, i) => ({
    window_start: T0 + i * MINUTE,
    window_end: T0 + (i + 1) * MINUTE,
    open: 1 + i / 7,
    high: 2 + i / 7,
    low: 0.1 + 0.2,
    close: 1.5 + i,
    volume: i % 3 === 0 ? 0 : i * 1.25,
    vwap: i % 3 === 0 ? null : 1.2 + i,
    trade_count: i % 3 === 0 ? 0 : 2 ** 40 + i,
  }));
}

describe('Parquet codec (parquet-wasm writer, hyparquet reader)', () => {
  it('decodes exactly the rows it encoded: timestamps as epoch ms, nulls, int64 beyond 32 bits', async () => {
    const rows = bars(50);
    expect(await decodeParquet(encodeParquet(BARS_SCHEMA, rows))).toEqual(rows);
  });

  it('round-trips any safe integer in INT64 and TIMESTAMP columns, negative ones included', async () => {
    const values = fc
      .sample(fc.maxSafeInteger(), 200)
      .concat([0, -1, 2 ** 32, -(2 ** 32), Number.MIN_SAFE_INTEGER]);
    const rows = values.map((v, i) => ({
      ...bars(1)[0]!,
      window_start: v,
      trade_count: 0 - v,
      window_end: i,
    }));
    expect(await decodeParquet(encodeParquet(BARS_SCHEMA, rows))).toEqual(rows);
  });

  it('writes V1 data pages, TIMESTAMP(MILLIS, UTC), SNAPPY, statistics and required/optional from the schema', () => {
    const facts = inspectParquet(encodeParquet(BARS_SCHEMA, bars(10)));
    expect(facts.rows).toBe(10);
    const byName = Object.fromEntries(facts.columns.map((c) => [c.name, c]));
    expect(byName.window_start).toMatchObject({
      physicalType: 'INT64',
      logicalType: 'TIMESTAMP(MILLIS,true)',
    });
    expect(byName.vwap!.repetition).toBe('OPTIONAL');
    expect(byName.close!.repetition).toBe('REQUIRED');
    for (const column of facts.columns) {
      expect(column.pageTypes).toContain('DATA_PAGE');
      expect(column.pageTypes).not.toContain('DATA_PAGE_V2');
      expect(column.compression).toEqual(['SNAPPY']);
      expect(column.hasStatistics).toBe(true);
    }
  });

  it('writes strings as STRING and booleans as BOOLEAN', async () => {
    const schema = featuresSchema(['log_return']);
    const row = { ...bars(1)[0]!, filled: true, log_return: null };
    const facts = inspectParquet(encodeParquet(QUARANTINE_SCHEMA, [quarantined('é "q" \n')]));
    expect(facts.columns.find((c) => c.name === 'raw')!.logicalType).toBe('STRING');
    expect(await decodeParquet(encodeParquet(schema, [row]))).toEqual([row]);
  });

  it('is deterministic: the same rows give the same bytes, so rewriting a partition is idempotent', () => {
    const rows = bars(100);
    expect(
      Buffer.from(encodeParquet(BARS_SCHEMA, rows)).equals(Buffer.from(encodeParquet(BARS_SCHEMA, rows))),
    ).toBe(true);
  });

  it('splits row groups at rowGroupRows and accepts typed-array columns', async () => {
    const n = 10;
    const rows = bars(n);
    const columns = Object.fromEntries(BARS_SCHEMA.columns.map((c) => [c.name, rows.map((r) => r[c.name]!)]));
    const bytes = encodeParquet(
      BARS_SCHEMA,
      { ...columns, open: Float64Array.from(rows, (r) => r.open as number) },
      {
        rowGroupRows: 4,
      },
    );
    expect(inspectParquet(bytes).rowGroups).toEqual([4, 4, 2]);
    expect(await decodeParquet(bytes)).toEqual(rows);
  });

  it('writes ZSTD when asked', () => {
    const facts = inspectParquet(encodeParquet(BARS_SCHEMA, bars(3), { compression: 'ZSTD' }));
    expect(facts.columns.every((c) => c.compression[0] === 'ZSTD')).toBe(true);
  });

  it('writes an empty file with the full schema', async () => {
    const bytes = encodeParquet(BARS_SCHEMA, []);
    expect(inspectParquet(bytes).columns.map((c) => c.name)).toEqual(BARS_SCHEMA.columns.map((c) => c.name));
    expect(await decodeParquet(bytes)).toEqual([]);
  });

  it.each([
    ['a null in a required column', { close: null }, /close \(row 1\): null in a required column/],
    ['a string in a double column', { open: '1.5' }, /open \(row 1\): expected a number/],
    ['a fractional timestamp', { window_start: 1.5 }, /window_start \(row 1\): expected a safe integer/],
    ['an int64 beyond 2^53', { trade_count: 2 ** 60 }, /trade_count \(row 1\): expected a safe integer/],
  ])('refuses %s with a LakeSchemaError naming column and row', (_, patch, message) => {
    const rows = bars(2);
    rows[1] = { ...rows[1]!, ...patch };
    expect(() => encodeParquet(BARS_SCHEMA, rows)).toThrow(LakeSchemaError);
    expect(() => encodeParquet(BARS_SCHEMA, rows)).toThrow(message);
  });

  it('refuses columns that are missing or of different lengths', () => {
    const columns = Object.fromEntries(BARS_SCHEMA.columns.map((c) => [c.name, [] as number[]]));
    expect(() => encodeParquet(BARS_SCHEMA, { ...columns, vwap: undefined as unknown as number[] })).toThrow(
      /vwap: column missing/,
    );
    expect(() => encodeParquet(BARS_SCHEMA, { ...columns, low: [1] })).toThrow(/differ in length/);
  });
});

function quarantined(raw: string): LakeRow {
  return {
    raw,
    reason: 'not JSON',
    field: null,
    arrival_time: T0,
    shard_id: 's-1',
    sequence_number: '1',
    sub_index: 0,
  };
}
