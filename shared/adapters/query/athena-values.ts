/**
 * Athena result cells → engine-neutral values. GetQueryResults returns every cell as text
 * (`VarCharValue`, absent for NULL); ResultSetMetadata.ColumnInfo[].Type names the Trino type.
 */

import { integerValue, type QueryValue, type ValueKind } from '../../query/result.js';

const KIND_OF: Readonly<Record<string, ValueKind>> = {
  boolean: 'boolean',
  tinyint: 'integer',
  smallint: 'integer',
  integer: 'integer',
  int: 'integer',
  bigint: 'integer',
  real: 'number',
  float: 'number',
  double: 'number',
  decimal: 'number',
  varchar: 'string',
  char: 'string',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  'timestamp with time zone': 'timestamp',
};

/** Kind of an Athena column type (`varchar`, `decimal(10,2)`, `timestamp(3)`, …). */
export function athenaKind(type: string): ValueKind {
  const base = type
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .trim();
  return KIND_OF[base] ?? 'other';
}

const ATHENA_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?: ?(UTC|Z|\+00:00))?$/;

/**
 * One cell as Athena printed it, converted for its column kind. Timestamps (`2024-01-02 09:30:00.000`,
 * with or without ` UTC`) become `2024-01-02T09:30:00.000Z`: the lake's timestamps are UTC instants.
 */
export function athenaValue(kind: ValueKind, text: string | undefined): QueryValue {
  if (text === undefined) return null;
  switch (kind) {
    case 'boolean':
      return text === 'true';
    case 'integer':
      return /^-?\d+$/.test(text) ? integerValue(text) : text;
    case 'number':
      return Number(text);
    case 'timestamp': {
      const m = ATHENA_TIMESTAMP.exec(text);
      if (!m) return text;
      const millis = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
      return `${m[1]}T${m[2]}.${millis}Z`;
    }
    default:
      return text;
  }
}
