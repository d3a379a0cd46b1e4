/**
 * Glue table definitions of the lake (docs/lake.md#partition-projection), as data: file columns, partition keys in path order,
 * and how each partition key is projected. Partition columns are not stored in the Parquet files.
 *
 * Percent-encoded symbols (`symbol=EUR%2FUSD`): the symbol key uses *injected* projection and the
 * tables deliberately set NO `storage.location.template`. Without a template, the projection engine
 * builds the Hive default path `key=value/…` and escapes each value with Hive's escapePathName, so
 * `WHERE symbol = 'EUR/USD'` reads `symbol=EUR%2FUSD/` and the column shows `EUR/USD`, the same as
 * DuckDB's hive_partitioning decode. A custom template such as `…/symbol=${symbol}/…` would only be
 * escaped when it ends in exactly the default `k1=${k1}/k2=${k2}` suffix; otherwise the raw `EUR/USD`
 * is substituted and the query silently finds no files. Source: Trino's
 * io.trino.plugin.hive.projection.PartitionProjection (Athena engine 3 is Trino-based); Athena
 * itself was not available to verify this here. Injected keys also mean every query must give the
 * symbol with `=` or `IN`.
 */

import { FEATURE_NAMES } from '../../shared/domain/features/index.js';
import {
  BARS_SCHEMA,
  featuresSchema,
  LAKE_SQL_TYPES,
  LATE_SCHEMA,
  type LakeSchema,
  QUARANTINE_SCHEMA,
  TICKS_SCHEMA,
} from '../../shared/lake/index.js';

/** A Glue column: name and Hive type. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
}

/** How Athena projects one partition key. */
export type PartitionProjection =
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'injected' }
  | { readonly type: 'date'; readonly format: string; readonly rangeStart: string };

export interface CatalogTableSpec {
  /** Table name, also the lake prefix (`bars` → `s3://lake/bars/`). */
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  /** Partition keys in the order they appear in the object path. */
  readonly partitionKeys: readonly (CatalogColumn & { readonly projection: PartitionProjection })[];
}

const col = (name: string, type: string): CatalogColumn => ({ name, type });

/** Glue columns of a lake schema: the same columns, in the same order, as the Parquet files. */
const columnsOf = (schema: LakeSchema): CatalogColumn[] =>
  schema.columns.map((c) => col(c.name, LAKE_SQL_TYPES[c.type]));

/** The five lake tables for the given interval labels and first partition date. */
export function lakeTables(intervals: readonly string[], startDate: string): CatalogTableSpec[] {
  const interval = { ...col('interval', 'string'), projection: { type: 'enum', values: intervals } as const };
  const symbol = { ...col('symbol', 'string'), projection: { type: 'injected' } as const };
  const date = {
    ...col('date', 'string'),
    projection: { type: 'date', format: 'yyyy-MM-dd', rangeStart: startDate } as const,
  };
  const split = {
    ...col('split', 'string'),
    projection: { type: 'enum', values: ['train', 'val', 'test'] } as const,
  };
  return [
    { name: 'bars', columns: columnsOf(BARS_SCHEMA), partitionKeys: [interval, symbol, date] },
    { name: 'ticks', columns: columnsOf(TICKS_SCHEMA), partitionKeys: [symbol, date] },
    { name: 'late', columns: columnsOf(LATE_SCHEMA), partitionKeys: [interval, symbol, date] },
    { name: 'quarantine', columns: columnsOf(QUARANTINE_SCHEMA), partitionKeys: [date] },
    { name: 'features', columns: columnsOf(featuresSchema(FEATURE_NAMES)), partitionKeys: [split, symbol] },
  ];
}

/** Athena partition-projection table parameters for a table spec. */
export function projectionParameters(spec: CatalogTableSpec): Record<string, string> {
  const parameters: Record<string, string> = { 'projection.enabled': 'true' };
  for (const key of spec.partitionKeys) {
    const p = key.projection;
    parameters[`projection.${key.name}.type`] = p.type;
    if (p.type === 'enum') parameters[`projection.${key.name}.values`] = p.values.join(',');
    if (p.type === 'date') {
      parameters[`projection.${key.name}.format`] = p.format;
      parameters[`projection.${key.name}.range`] = `${p.rangeStart},NOW`;
      parameters[`projection.${key.name}.interval`] = '1';
      parameters[`projection.${key.name}.interval.unit`] = 'DAYS';
    }
  }
  return parameters;
}
