/**
 * Column schemas of the lake's Parquet files, as data (docs/lake.md#schemas). Partition columns (interval, symbol, date,
 * split) are never in the files. `timestamp` is INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true) holding epoch
 * milliseconds; `string` is UTF-8 (STRING logical type).
 */

import { LakeSchemaError } from './errors.js';
import { LAKE_PARTITIONING } from './keys.js';

export type LakeColumnType = 'timestamp' | 'double' | 'int64' | 'int32' | 'string' | 'boolean';

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeColumnType;
  /** Whether the column may hold nulls (Parquet `optional`); otherwise `required`. */
  readonly nullable: boolean;
}

export interface LakeSchema {
  /** What the files hold (`bars`, `ticks`, …): used in error messages. */
  readonly name: string;
  readonly columns: readonly LakeColumn[];
}

/** A value of one cell: timestamps and int64 as epoch ms / safe integers, nulls only in nullable columns. */
export type LakeValue = number | string | boolean | null;
export type LakeRow = Readonly<Record<string, LakeValue>>;
/** Column-major rows: one array per schema column, all of the same length (typed arrays welcome). */
export type LakeColumns = Readonly<Record<string, ArrayLike<LakeValue>>>;

/** SQL type of each column type in Athena/Glue DDL (and DuckDB). */
export const LAKE_SQL_TYPES: Readonly<Record<LakeColumnType, string>> = {
  timestamp: 'timestamp',
  double: 'double',
  int64: 'bigint',
  int32: 'int',
  string: 'string',
  boolean: 'boolean',
};

const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;
const PARTITION_COLUMNS = new Set(Object.values(LAKE_PARTITIONING).flat());

const col = (name: string, type: LakeColumnType, nullable = false): LakeColumn => ({ name, type, nullable });

/**
 * Checks and freezes a schema: lower-case snake_case names, no duplicates, no partition column in the file.
 * @example defineLakeSchema('prices', [{ name: 'ts', type: 'timestamp', nullable: false }])
 */
export function defineLakeSchema(name: string, columns: readonly LakeColumn[]): LakeSchema {
  const seen = new Set<string>();
  for (const column of columns) {
    if (!COLUMN_NAME.test(column.name))
      throw new LakeSchemaError(name, column.name, 'name must be snake_case');
    if (seen.has(column.name)) throw new LakeSchemaError(name, column.name, 'duplicate column');
    if (PARTITION_COLUMNS.has(column.name)) {
      throw new LakeSchemaError(name, column.name, 'partition columns live in the path, not in the file');
    }
    seen.add(column.name);
  }
  if (columns.length === 0) throw new LakeSchemaError(name, '*', 'a schema needs at least one column');
  return Object.freeze({ name, columns: Object.freeze(columns.map((c) => Object.freeze({ ...c }))) });
}

/** Columns of a bar, shared by the gold bars and the feature rows. */
export const BAR_COLUMNS: readonly LakeColumn[] = [
  col('window_start', 'timestamp'),
  col('window_end', 'timestamp'),
  col('open', 'double'),
  col('high', 'double'),
  col('low', 'double'),
  col('close', 'double'),
  col('volume', 'double'),
  col('vwap', 'double', true),
  col('trade_count', 'int64'),
];

const ORIGIN_COLUMNS: readonly LakeColumn[] = [
  col('arrival_time', 'timestamp'),
  col('shard_id', 'string'),
  col('sequence_number', 'string'),
  col('sub_index', 'int32'),
];

const TICK_COLUMNS: readonly LakeColumn[] = [
  col('ts', 'timestamp'),
  col('price', 'double'),
  col('size', 'double'),
  col('id', 'string', true),
];

/** Gold bars: `bars/interval=…/symbol=…/date=…/`. */
export const BARS_SCHEMA = defineLakeSchema('bars', BAR_COLUMNS);

/** Bronze raw ticks with their stream origin: `ticks/symbol=…/date=…/`. */
export const TICKS_SCHEMA = defineLakeSchema('ticks', [...TICK_COLUMNS, ...ORIGIN_COLUMNS]);

/** Late ticks with the watermark that made them late: `late/interval=…/symbol=…/date=…/`. */
export const LATE_SCHEMA = defineLakeSchema('late', [
  ...TICK_COLUMNS,
  col('watermark', 'timestamp'),
  ...ORIGIN_COLUMNS,
]);

/** Records that failed validation: `quarantine/date=…/`. */
export const QUARANTINE_SCHEMA = defineLakeSchema('quarantine', [
  col('raw', 'string'),
  col('reason', 'string'),
  col('field', 'string', true),
  ...ORIGIN_COLUMNS,
]);

/**
 * Feature rows (docs/features.md#output): the bar columns, `filled`, then one nullable DOUBLE per feature, in the order given.
 * @example featuresSchema(['log_return', 'volatility_10'])
 */
export function featuresSchema(featureColumns: readonly string[]): LakeSchema {
  return defineLakeSchema('features', [
    ...BAR_COLUMNS,
    col('filled', 'boolean'),
    ...featureColumns.map((name) => col(name, 'double', true)),
  ]);
}
