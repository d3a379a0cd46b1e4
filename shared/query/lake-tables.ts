/**
 * The lake's SQL tables, named like the Glue tables (`bars`, `ticks`, `late`, `quarantine`,
 * `features`): the file columns of shared/lake/schemas.ts followed by the partition columns, which are
 * always strings, as Athena's projected partitions are (interval, symbol, date 'YYYY-MM-DD', split).
 */

import { FEATURE_NAMES } from '../domain/features/constants.js';
import { LAKE_PARTITIONING, type LakeDataset } from '../lake/keys.js';
import {
  BARS_SCHEMA,
  featuresSchema,
  LATE_SCHEMA,
  type LakeColumnType,
  type LakeSchema,
  QUARANTINE_SCHEMA,
  TICKS_SCHEMA,
} from '../lake/schemas.js';

export interface LakeTable {
  readonly name: LakeDataset;
  readonly fileColumns: LakeSchema['columns'];
  /** Partition columns in path order; VARCHAR in DuckDB, string in Glue. */
  readonly partitionColumns: readonly string[];
}

const table = (name: LakeDataset, schema: LakeSchema): LakeTable => ({
  name,
  fileColumns: schema.columns,
  partitionColumns: LAKE_PARTITIONING[name],
});

/** Every table of the lake, in the order `tickflow query --list-tables` would show them. */
export const LAKE_TABLES: readonly LakeTable[] = [
  table('bars', BARS_SCHEMA),
  table('ticks', TICKS_SCHEMA),
  table('late', LATE_SCHEMA),
  table('quarantine', QUARANTINE_SCHEMA),
  table('features', featuresSchema(FEATURE_NAMES)),
];

/** DuckDB type of each lake column type; timestamps are UTC instants (TIMESTAMP(MILLIS, UTC) in the files). */
export const DUCKDB_TYPES: Readonly<Record<LakeColumnType, string>> = {
  timestamp: 'TIMESTAMPTZ',
  double: 'DOUBLE',
  int64: 'BIGINT',
  int32: 'INTEGER',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
};

/**
 * `CREATE VIEW` of one table for DuckDB. With a glob, the view reads the Parquet files with Hive
 * partitioning, partition columns typed VARCHAR (never DuckDB's auto-cast to DATE or INTEGER) and
 * percent-decoded (`symbol=EUR%2FUSD` → `EUR/USD`). Without one (no files yet), it is an empty view
 * with the same columns and types, so every query still binds.
 * @example duckDbViewSql(table, '/lake/bars/**\/*.parquet')
 */
export function duckDbViewSql(lakeTable: LakeTable, glob: string | null): string {
  const typed = lakeTable.fileColumns.map((c) => ({ name: c.name, type: DUCKDB_TYPES[c.type] }));
  const partitions = lakeTable.partitionColumns.map((name) => ({ name, type: 'VARCHAR' }));
  const view = `CREATE OR REPLACE VIEW ${identifier(lakeTable.name)} AS`;
  if (glob === null) {
    const nulls = [...typed, ...partitions].map((c) => `CAST(NULL AS ${c.type}) AS ${identifier(c.name)}`);
    return `${view} SELECT ${nulls.join(', ')} WHERE false`;
  }
  const columns = [
    ...typed.map((c) => `CAST(${identifier(c.name)} AS ${c.type}) AS ${identifier(c.name)}`),
    ...partitions.map((c) => identifier(c.name)),
  ];
  const hiveTypes = partitions.map((c) => `${stringLiteral(c.name)}: VARCHAR`).join(', ');
  const source =
    `read_parquet(${stringLiteral(glob)}, hive_partitioning = true, ` +
    `hive_types = {${hiveTypes}}, union_by_name = true)`;
  return `${view} SELECT ${columns.join(', ')} FROM ${source}`;
}

/** A SQL string literal (single quotes doubled), valid in DuckDB and Trino alike. */
export function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A double-quoted SQL identifier, valid in DuckDB and Trino alike. */
export function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
