import type { LakeColumns, LakeRow, LakeSchema } from '../../lake/index.js';
import type { ObjectStore } from '../ports.js';

/** Parquet files of the lake's schemas, encoded and decoded by an adapter (`adapters/parquet`). */
export interface ParquetCodec {
  encodeParquet(schema: LakeSchema, columns: LakeColumns): Uint8Array;
  /** The rows of a file, only `columns` when given. */
  decodeParquet(bytes: Uint8Array, columns?: readonly string[]): Promise<LakeRow[]>;
}

/** The lake as the preprocess tasks use it: objects by key, and the Parquet files among them. */
export type PreprocessLake = ObjectStore & ParquetCodec;
