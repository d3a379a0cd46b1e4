import { UnreadableStagedObjectError } from '../../pipeline/bronze/errors.js';
import { STAGING_PREFIX } from '../../pipeline/bronze/staging-keys.js';
import type { OriginTick, StagingArea } from '../../pipeline/ports.js';
import { decodeParquet, encodeParquet } from '../parquet/index.js';
import type { ObjectStore } from '../s3-object-store.js';
import { originTickFromRow, STAGED_TICKS_SCHEMA, stagedRow } from './tick-rows.js';

const PARQUET = 'application/vnd.apache.parquet';

/** The bronze staging area as Parquet objects under `staging/ticks/` of the lake bucket. */
export class S3StagingArea implements StagingArea {
  constructor(private readonly store: ObjectStore) {}

  async write(key: string, ticks: readonly OriginTick[]): Promise<void> {
    await this.store.put(key, encodeParquet(STAGED_TICKS_SCHEMA, ticks.map(stagedRow)), PARQUET);
  }

  list(): Promise<string[]> {
    return this.store.list(STAGING_PREFIX);
  }

  async read(key: string): Promise<OriginTick[] | undefined> {
    const bytes = await this.store.get(key);
    if (bytes === undefined) return undefined;
    try {
      const rows = await decodeParquet(bytes);
      return rows.map((row, i) => originTickFromRow(row, i));
    } catch (err) {
      throw new UnreadableStagedObjectError(key, err instanceof Error ? err.message : String(err));
    }
  }

  remove(key: string): Promise<void> {
    return this.store.delete(key);
  }
}
