/**
 * Files written by the lake's Parquet writer are read back, with the same values and types, by three
 * independent readers: DuckDB (the local query engine, also the stand-in for Athena's SQL), hyparquet
 * (our own reader) and parquet-java (the reference implementation behind Hive/Spark), fetched from
 * Maven Central by test/jvm/fetch.sh into .cache/jvm once.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeParquet, encodeParquet, inspectParquet } from '../../shared/adapters/parquet/index.js';
import {
  BARS_SCHEMA,
  barsPartitionKey,
  featuresPartitionKey,
  featuresSchema,
  LATE_SCHEMA,
  type LakeDataset,
  type LakeRow,
  type LakeSchema,
  latePartitionKey,
  parsePartitionPath,
  partitionFileKey,
  QUARANTINE_SCHEMA,
  quarantinePartitionKey,
  TICKS_SCHEMA,
  ticksPartitionKey,
} from '../../shared/lake/index.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const MINUTE = 60_000;
const DAY1 = Date.UTC(2024, 0, 2, 9, 30, 0, 123);
const DAY2 = Date.UTC(2024, 0, 3, 0, 0, 0, 1);
const FEATURES = featuresSchema(['log_return', 'rsi_14']);

interface LakeFile {
  readonly key: string;
  readonly schema: LakeSchema;
  readonly rows: readonly LakeRow[];
  readonly rowGroupRows?: number;
}

const bar = (start: number, i: number): LakeRow => ({
  window_start: start + i * MINUTE,
  window_end: start + (i + 1) * MINUTE,
  open: 1.0841 + i / 1e4,
  high: 1.0849 + i / 1e4,
  low: 0.1 + 0.2,
  close: 1.0845 + i / 1e4,
  volume: i === 1 ? 0 : 1e6 + i,
  vwap: i === 1 ? null : 1.08451234567 + i,
  trade_count: i === 1 ? 0 : 2 ** 40 + i,
});
const origin = (i: number) => ({
  arrival_time: DAY1 + i,
  shard_id: 'shardId-000000000001',
  sequence_number: `4959${'0'.repeat(50)}${i}`,
  sub_index: i % 3,
});
const tick = (i: number): LakeRow => ({
  ts: DAY1 + i * 1_000,
  price: 2034.5 + i,
  size: i / 4,
  id: i % 2 ? null : `t-${i}/"é"`,
  ...origin(i),
});

const LAKE: readonly LakeFile[] = [
  {
    key: barsPartitionKey('1m', 'EUR/USD', DAY1),
    schema: BARS_SCHEMA,
    rows: [0, 1, 2].map((i) => bar(DAY1, i)),
  },
  { key: barsPartitionKey('1m', 'XAU:USD', DAY1), schema: BARS_SCHEMA, rows: [bar(DAY1, 5)] },
  { key: barsPartitionKey('1m', 'XAU:USD', DAY2), schema: BARS_SCHEMA, rows: [bar(DAY2, 0)] },
  { key: barsPartitionKey('5m_1m', 'EUR/USD', DAY1), schema: BARS_SCHEMA, rows: [bar(DAY1, 7)] },
  {
    key: ticksPartitionKey('XAU:USD', DAY1),
    schema: TICKS_SCHEMA,
    rows: [0, 1, 2, 3, 4, 5, 6].map(tick),
    rowGroupRows: 3,
  },
  {
    key: latePartitionKey('1m', 'EUR/USD', DAY1),
    schema: LATE_SCHEMA,
    rows: [{ ...tick(1), watermark: DAY1 + 10 * MINUTE }],
  },
  {
    key: quarantinePartitionKey(DAY1),
    schema: QUARANTINE_SCHEMA,
    rows: [
      { raw: '{"symbol":"EUR/USD","price":-1}', reason: 'price must be > 0', field: 'price', ...origin(0) },
      { raw: 'not json\n\u0001', reason: 'not JSON', field: null, ...origin(1) },
    ],
  },
  ...(['train', 'test'] as const).map((split, s) => ({
    key: featuresPartitionKey(split, 'EUR/USD'),
    schema: FEATURES,
    rows: [0, 1].map((i) => ({
      ...bar(DAY1, s * 2 + i),
      filled: i === 1,
      log_return: i ? null : 1e-5,
      rsi_14: 55.5,
    })),
  })),
].map((file) => ({ ...file, key: partitionFileKey(file.key) }));

let root: string;
const pathOf = (file: LakeFile) => join(root, file.key);
const timestampColumns = (schema: LakeSchema) =>
  schema.columns.filter((c) => c.type === 'timestamp').map((c) => c.name);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tickflow-lake-'));
  for (const file of LAKE) {
    mkdirSync(dirname(pathOf(file)), { recursive: true });
    writeFileSync(pathOf(file), encodeParquet(file.schema, file.rows, { rowGroupRows: file.rowGroupRows }));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('DuckDB reads the lake with Hive partitioning', () => {
  let duck: Awaited<ReturnType<typeof DuckDBInstance.create>>;
  let query: (sql: string) => Promise<Record<string, unknown>[]>;
  beforeAll(async () => {
    duck = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await duck.connect();
    query = async (sql) =>
      (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  });
  afterAll(() => duck.closeSync());

  const glob = (dataset: LakeDataset) =>
    `read_parquet('${root}/${dataset}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)`;

  it.each(['bars', 'ticks', 'late', 'quarantine', 'features'] as const)(
    '%s: every row, with decoded partition values and the same instants',
    async (dataset) => {
      const files = LAKE.filter((f) => f.key.startsWith(`${dataset}/`));
      const expected = files.flatMap((f) =>
        f.rows.map((row) => ({ ...row, ...parsePartitionPath(f.key).partition })),
      );
      const actual = (await query(`SELECT * FROM ${glob(dataset)}`)).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fromDuck(v)])),
      );
      expect(sortRows(actual)).toEqual(sortRows(expected));
      const types = await query(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${glob(dataset)})`,
      );
      for (const name of timestampColumns(files[0]!.schema)) {
        expect(types.find((t) => t.column_name === name)?.column_type).toBe('TIMESTAMP WITH TIME ZONE');
      }
    },
  );

  it('filters on an escaped partition value by its decoded form', async () => {
    const rows = await query(
      `SELECT symbol, date, epoch_ms(window_start) AS start_ms FROM ${glob('bars')}
       WHERE symbol = 'XAU:USD' AND interval = '1m' ORDER BY window_start`,
    );
    expect(rows).toEqual([
      { symbol: 'XAU:USD', date: '2024-01-02', start_ms: BigInt(DAY1 + 5 * MINUTE) },
      { symbol: 'XAU:USD', date: '2024-01-03', start_ms: BigInt(DAY2) },
    ]);
  });
});

describe('hyparquet reads every file', () => {
  it.each(LAKE.map((file) => [file.key, file] as const))('%s', async (_, file) => {
    const bytes = readFileSync(pathOf(file));
    expect(await decodeParquet(bytes)).toEqual(file.rows);
    const facts = inspectParquet(bytes);
    for (const name of timestampColumns(file.schema)) {
      expect(facts.columns.find((c) => c.name === name)?.logicalType).toBe('TIMESTAMP(MILLIS,true)');
    }
    expect(facts.columns.flatMap((c) => c.pageTypes)).not.toContain('DATA_PAGE_V2');
  });
});

describe('parquet-java (JVM) reads every file', () => {
  it('sees the same rows, TIMESTAMP(MILLIS,true), STRING and only V1 data pages', {
    timeout: 300_000,
  }, async () => {
    const classpath = await jvmClasspath();
    const { stdout } = await run('java', ['-cp', classpath, 'ParquetProbe', 'all', ...LAKE.map(pathOf)], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const probes = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JvmProbe);
    expect(probes).toHaveLength(LAKE.length);
    probes.forEach((probe, i) => {
      const file = LAKE[i]!;
      expect(probe.rows, file.key).toBe(file.rows.length);
      expect(probe.records, file.key).toEqual(file.rows);
      for (const column of file.schema.columns) {
        const seen = probe.columns.find((c) => c.name === column.name)!;
        expect(seen.repetition, column.name).toBe(column.nullable ? 'OPTIONAL' : 'REQUIRED');
        if (column.type === 'timestamp') expect(seen.logical, column.name).toBe('TIMESTAMP(MILLIS,true)');
        if (column.type === 'string') expect(seen.logical, column.name).toBe('STRING');
      }
      for (const kinds of Object.values(probe.pageTypes)) {
        expect(kinds).toContain('DataPageV1');
        expect(kinds.filter((k) => k !== 'DataPageV1' && k !== 'dictionary')).toEqual([]);
      }
    });
  });
});

interface JvmProbe {
  readonly rows: number;
  readonly columns: { name: string; logical: string | null; repetition: string }[];
  readonly pageTypes: Record<string, string[]>;
  readonly records: LakeRow[];
}

/** Fetches parquet-java once (test/jvm/fetch.sh); fails loudly when Maven Central cannot be reached. */
async function jvmClasspath(): Promise<string> {
  try {
    const { stdout } = await run(join(REPO, 'test/jvm/fetch.sh'), [], { cwd: REPO });
    return stdout.trim().split('\n').at(-1)!;
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr || String(err);
    throw new Error(
      `parquet-java reader unavailable: test/jvm/fetch.sh failed (needs mvn + JDK 17 and Maven Central ` +
        `reachable once to fill .cache/jvm).\n${detail}`,
    );
  }
}

function fromDuck(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  return value;
}

function sortRows<T>(rows: T[]): T[] {
  const keyed = rows.map((row) => [JSON.stringify(Object.entries(row as object).sort()), row] as const);
  return keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
