/**
 * Parquet writer of the lake: parquet-wasm (arrow-rs compiled to WebAssembly) fed with Apache Arrow.
 * Chosen on measurement (README, Decisions; `npm run bench -- --only parquet` times the encode): data page V1 (read by every engine,
 * unlike hyparquet-writer's V2-only pages), INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true), column and page
 * statistics, PLAIN encoding (dictionaries for strings only), SNAPPY by default.
 */

import { tableToIPC } from 'apache-arrow';
import {
  Compression,
  EnabledStatistics,
  Table as WasmTable,
  WriterPropertiesBuilder,
  WriterVersion,
  writeParquet,
} from 'parquet-wasm/esm';
import type { LakeRow, LakeSchema } from '../../lake/schemas.js';
import { arrowTable, columnsFromRows, type LakeColumns } from './arrow-columns.js';
import { ensureParquetWasm } from './wasm.js';

export interface ParquetWriteOptions {
  /**
   * Page compression. SNAPPY (default) is read by every engine and by hyparquet without plug-ins; ZSTD
   * makes smaller files (Athena, DuckDB, Spark, parquet-java read it; hyparquet needs hyparquet-compressors).
   * @default 'SNAPPY'
   */
  readonly compression?: 'SNAPPY' | 'ZSTD' | 'UNCOMPRESSED';
  /**
   * Maximum rows per row group: large enough for scans, small enough for engines to split work.
   * @default 262_144
   */
  readonly rowGroupRows?: number;
  /** Key-value metadata of the footer (written in the same file, so it is as atomic as the rows). */
  readonly keyValueMetadata?: ReadonlyMap<string, string>;
}

export const DEFAULT_ROW_GROUP_ROWS = 262_144;
const CREATED_BY = 'tickflow (parquet-wasm 0.8, arrow-rs)';

/**
 * Encodes rows (or columns) of a lake schema as one Parquet file.
 * Throws LakeSchemaError when a value does not fit its column.
 * @example const bytes = encodeParquet(BARS_SCHEMA, bars.map(barRow));
 */
export function encodeParquet(
  schema: LakeSchema,
  data: readonly LakeRow[] | LakeColumns,
  options: ParquetWriteOptions = {},
): Uint8Array {
  ensureParquetWasm();
  const columns = Array.isArray(data)
    ? columnsFromRows(schema, data as readonly LakeRow[])
    : (data as LakeColumns);
  const ipc = tableToIPC(arrowTable(schema, columns), 'stream');
  let builder = new WriterPropertiesBuilder()
    .setWriterVersion(WriterVersion.V1)
    .setCompression(Compression[options.compression ?? 'SNAPPY'])
    .setStatisticsEnabled(EnabledStatistics.Page)
    .setMaxRowGroupSize(options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS)
    .setCreatedBy(CREATED_BY)
    // Dictionaries only where values repeat: on prices and timestamps they cost 5× the write time and
    // make larger files (1M bars: 7.0 s / 56.5 MB with, 1.4 s / 49.8 MB without, same machine).
    .setDictionaryEnabled(false);
  if (options.keyValueMetadata) builder = builder.setKeyValueMetadata(new Map(options.keyValueMetadata));
  for (const column of schema.columns) {
    if (column.type === 'string') builder = builder.setColumnDictionaryEnabled(column.name, true);
  }
  return writeParquet(WasmTable.fromIPCStream(ipc), builder.build());
}
