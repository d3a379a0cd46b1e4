/**
 * Parquet reader for the lake's own files (tests, compaction, features): hyparquet, pure JavaScript.
 * TIMESTAMP and INT64 come back as epoch-ms numbers, so a decoded row equals the row that was encoded.
 */

import { parquetReadObjects } from 'hyparquet';
import type { LakeValue } from '../../lake/schemas.js';
import { ParquetDecodeError } from './errors.js';

export type DecodedRow = Record<string, LakeValue>;

/**
 * Reads every row of a Parquet file (or only `columns`).
 * @example const rows = await decodeParquet(bytes); rows[0].window_start // 1704067200000
 */
export async function decodeParquet(bytes: Uint8Array, columns?: readonly string[]): Promise<DecodedRow[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({
    file,
    columns: columns ? [...columns] : undefined,
    parsers: { timestampFromMilliseconds: (millis: bigint) => toSafeNumber(millis, 'timestamp') },
  });
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (typeof value === 'bigint') row[name] = toSafeNumber(value, name);
    }
  }
  return rows as DecodedRow[];
}

function toSafeNumber(value: bigint, column: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new ParquetDecodeError(`${value} is not a safe integer`, column);
  return number;
}
