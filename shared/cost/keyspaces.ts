/**
 * Amazon Keyspaces' billing units, from the encoded row size (docs.aws.amazon.com/keyspaces/latest/
 * devguide/calculating-row-size.html and lightweight_transactions.html):
 * - a regular column costs its value's encoded size plus a column id (1 byte up to 62 columns);
 * - each partition key column stores its value twice plus 3 bytes of metadata;
 * - each clustering column stores its value twice plus 1 byte of metadata per 5 bytes of value;
 * - text is its UTF-8 bytes; integers about one byte per two significant digits plus one; booleans
 *   and nulls 1 byte. Fixed-width types (double, timestamp 8 bytes, date 4) are taken at Cassandra's
 *   width: the page lists no other size for them.
 * A write consumes one write unit per started KiB of the row; a lightweight transaction costs nothing
 * extra, but one whose condition is false still consumes the write units of the existing row (one when
 * there is none). A LOCAL_QUORUM read one read unit per started 4 KiB returned, LOCAL_ONE half.
 */

export type CqlCell =
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'int' | 'bigint'; readonly value: number }
  | { readonly type: 'double' | 'timestamp' | 'date' | 'boolean'; readonly value: unknown };

export interface CqlRow {
  readonly partitionKey: readonly CqlCell[];
  readonly clustering: readonly CqlCell[];
  readonly regular: readonly CqlCell[];
}

const FIXED_WIDTH = { double: 8, timestamp: 8, date: 4, boolean: 1 } as const;
const utf8 = new TextEncoder();

/** Encoded size of one value; null values are 1 byte. */
export function cellSize(cell: CqlCell): number {
  if (cell.value === null || cell.value === undefined) return 1;
  switch (cell.type) {
    case 'text':
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the ASCII test
      return /^[\x00-\x7f]*$/.test(cell.value) ? cell.value.length : utf8.encode(cell.value).length;
    case 'int':
    case 'bigint': {
      const digits = String(Math.abs(Math.trunc(cell.value)))
        .replace(/^0+/, '')
        .replace(/0+$/, '');
      return Math.ceil(digits.length / 2) + 1;
    }
    default:
      return FIXED_WIDTH[cell.type];
  }
}

/** Bytes of the column id each stored value carries, for a table of `columns` columns. */
export function columnIdBytes(columns: number): number {
  return Math.ceil(columns / 62);
}

/** The encoded size of a row as Keyspaces bills it. */
export function keyspacesRowSize(row: CqlRow): number {
  const id = columnIdBytes(row.partitionKey.length + row.clustering.length + row.regular.length);
  let size = 0;
  for (const c of row.partitionKey) size += 2 * cellSize(c) + 3 + id;
  for (const c of row.clustering) {
    const v = cellSize(c);
    size += 2 * v + Math.ceil(v / 5) + id;
  }
  for (const c of row.regular) size += cellSize(c) + id;
  return size;
}

/** Write units of writing a row of `bytes`. */
export function keyspacesWriteUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** Write units of a lightweight transaction whose condition was false: the existing row's size, or 1. */
export function failedConditionalWriteUnits(existingRowBytes: number | undefined): number {
  return existingRowBytes === undefined ? 1 : keyspacesWriteUnits(existingRowBytes);
}

/** Read units of `bytes` returned by one read (LOCAL_QUORUM; LOCAL_ONE bills half). */
export function keyspacesReadUnits(bytes: number, localOne = false): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return localOne ? units / 2 : units;
}
