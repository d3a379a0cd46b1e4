/**
 * What a Parquet footer says about a file: the facts readers depend on (logical types, page versions,
 * compression, statistics), read with hyparquet's `parquetMetadata`.
 */

import { parquetMetadata } from 'hyparquet';

export interface ParquetColumnFacts {
  readonly name: string;
  /** Physical type: INT64, DOUBLE, BYTE_ARRAY, … */
  readonly physicalType: string;
  /** Logical type as text: `TIMESTAMP(MILLIS,true)`, `STRING`, `INTEGER(32,true)`, or undefined. */
  readonly logicalType?: string;
  readonly repetition: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
  /** Codecs of the column's chunks (one per row group, deduplicated). */
  readonly compression: readonly string[];
  /** Page types seen in the chunks' encoding stats: DATA_PAGE (V1), DATA_PAGE_V2, DICTIONARY_PAGE. */
  readonly pageTypes: readonly string[];
  /** Whether every chunk carries min/max statistics. */
  readonly hasStatistics: boolean;
}

export interface ParquetFacts {
  readonly rows: number;
  readonly rowGroups: readonly number[];
  readonly createdBy?: string;
  readonly columns: readonly ParquetColumnFacts[];
}

interface LogicalTypeLike {
  type: string;
  unit?: string;
  isAdjustedToUTC?: boolean;
  bitWidth?: number;
  isSigned?: boolean;
}

function logicalTypeText(logical: LogicalTypeLike | undefined): string | undefined {
  if (logical === undefined) return undefined;
  if (logical.type === 'TIMESTAMP') return `TIMESTAMP(${logical.unit},${logical.isAdjustedToUTC})`;
  if (logical.type === 'INTEGER') return `INTEGER(${logical.bitWidth},${logical.isSigned})`;
  return logical.type;
}

/** Reads the footer of a Parquet file and summarises it per leaf column. */
export function inspectParquet(bytes: Uint8Array): ParquetFacts {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const leaves = metadata.schema.slice(1);
  const columns = leaves.map((element, i): ParquetColumnFacts => {
    const chunks = metadata.row_groups.map((group) => group.columns[i]!.meta_data!);
    return {
      name: element.name,
      physicalType: String(element.type),
      logicalType: logicalTypeText(element.logical_type as LogicalTypeLike | undefined),
      repetition: element.repetition_type ?? 'REQUIRED',
      compression: [...new Set(chunks.map((c) => String(c.codec)))],
      pageTypes: [
        ...new Set(chunks.flatMap((c) => (c.encoding_stats ?? []).map((s) => String(s.page_type)))),
      ],
      hasStatistics: chunks.every(
        (c) => c.statistics?.min_value !== undefined && c.statistics?.max_value !== undefined,
      ),
    };
  });
  return {
    rows: Number(metadata.num_rows),
    rowGroups: metadata.row_groups.map((group) => Number(group.num_rows)),
    createdBy: metadata.created_by,
    columns,
  };
}

/** The row count and the key-value metadata of a Parquet file, from its footer alone. */
export function parquetFooter(bytes: Uint8Array): { rows: number; keyValue: Map<string, string> } {
  const metadata = parquetMetadata(bytes);
  const keyValue = new Map<string, string>();
  for (const { key, value } of metadata.key_value_metadata ?? [])
    if (value !== undefined) keyValue.set(key, value);
  return { rows: Number(metadata.num_rows), keyValue };
}
