import type { LakeRow, LakeSchema } from '../../lake/index.js';
import type { ObjectStore, OriginMark, OriginTick } from '../ports.js';

/** The lake as the backfill tasks use it: objects by key, bronze files in, Parquet rows out. */
export interface BackfillLake extends ObjectStore {
  /** The ticks of one compacted bronze file (`ticks/symbol=<S>/date=…/part-h….parquet`) with their origin. */
  readBronze(key: string, symbol: string): Promise<OriginTick[]>;
  /** The idle flush's watermark marks the bronze layer kept for one symbol and UTC date of their watermark. */
  readMarks(symbol: string, date: string): Promise<OriginMark[]>;
  /** One Parquet file of rows of a lake schema. */
  encodeRows(schema: LakeSchema, rows: readonly LakeRow[]): Uint8Array;
}
