/** DuckDB result values (the node-api's JS conversions) → the engine-neutral QueryValue of a column kind. */

import { DuckDBTypeId } from '@duckdb/node-api';
import { integerValue, type QueryValue, type ValueKind } from '../../query/result.js';

const KIND_OF: Partial<Record<DuckDBTypeId, ValueKind>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'integer',
  [DuckDBTypeId.SMALLINT]: 'integer',
  [DuckDBTypeId.INTEGER]: 'integer',
  [DuckDBTypeId.BIGINT]: 'integer',
  [DuckDBTypeId.UTINYINT]: 'integer',
  [DuckDBTypeId.USMALLINT]: 'integer',
  [DuckDBTypeId.UINTEGER]: 'integer',
  [DuckDBTypeId.UBIGINT]: 'integer',
  [DuckDBTypeId.HUGEINT]: 'integer',
  [DuckDBTypeId.UHUGEINT]: 'integer',
  [DuckDBTypeId.FLOAT]: 'number',
  [DuckDBTypeId.DOUBLE]: 'number',
  [DuckDBTypeId.DECIMAL]: 'number',
  [DuckDBTypeId.VARCHAR]: 'string',
  [DuckDBTypeId.ENUM]: 'string',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_NS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamp',
  [DuckDBTypeId.DATE]: 'date',
};

/** How values of a DuckDB type are represented; anything nested or exotic is `other` (its JSON text). */
export function duckDbKind(typeId: DuckDBTypeId): ValueKind {
  return KIND_OF[typeId] ?? 'other';
}

/** One value as returned by `getRowsJS()`, converted for its column kind. */
export function duckDbValue(kind: ValueKind, value: unknown): QueryValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
    case 'string':
      return value as boolean | string;
    case 'integer':
      return integerValue(value as bigint | number);
    case 'number':
      return Number(value);
    case 'timestamp':
      return validDate(value) ? value.toISOString() : String(value);
    case 'date':
      return validDate(value) ? value.toISOString().slice(0, 10) : String(value);
    case 'other':
      return typeof value === 'string' ? value : JSON.stringify(value, bigintAsString);
  }
}

function validDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
