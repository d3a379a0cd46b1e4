/**
 * The bars table of the serving store, as data: the local `ensureSchema()` renders CQL from it and the
 * CDK construct renders `AWS::Cassandra::Table` from it, so both create the same table.
 * One partition per (symbol, interval, UTC day): bounded, and read newest first.
 */

export interface ColumnSpec {
  readonly name: string;
  /** CQL type. */
  readonly type: 'text' | 'date' | 'timestamp' | 'double' | 'int' | 'boolean';
}

export const PARTITION_KEY: readonly ColumnSpec[] = [
  { name: 'symbol', type: 'text' },
  { name: 'interval', type: 'text' },
  { name: 'day', type: 'date' },
];

export const CLUSTERING_KEY = { column: { name: 'window_start', type: 'timestamp' }, order: 'DESC' } as const;

export const REGULAR_COLUMNS: readonly ColumnSpec[] = [
  { name: 'window_end', type: 'timestamp' },
  { name: 'open', type: 'double' },
  { name: 'high', type: 'double' },
  { name: 'low', type: 'double' },
  { name: 'close', type: 'double' },
  { name: 'volume', type: 'double' },
  { name: 'vwap', type: 'double' },
  { name: 'trade_count', type: 'int' },
  { name: 'is_final', type: 'boolean' },
  { name: 'updated_at', type: 'timestamp' },
];

/** CQL identifiers we accept for a keyspace (Keyspaces: 1–48 chars, letters, digits, underscore). */
export const KEYSPACE_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;

/** `CREATE TABLE IF NOT EXISTS` for the bars table in a keyspace. */
export function createBarsTableCql(keyspace: string, table: string): string {
  const columns = [...PARTITION_KEY, CLUSTERING_KEY.column, ...REGULAR_COLUMNS]
    .map((c) => `  ${c.name} ${c.type}`)
    .join(',\n');
  const pk = PARTITION_KEY.map((c) => c.name).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (
${columns},
  PRIMARY KEY ((${pk}), ${CLUSTERING_KEY.column.name})
) WITH CLUSTERING ORDER BY (${CLUSTERING_KEY.column.name} ${CLUSTERING_KEY.order})`;
}
