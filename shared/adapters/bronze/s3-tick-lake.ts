import { TICKS_SCHEMA } from '../../lake/schemas.js';
import { UnreadableTickFileError } from '../../pipeline/bronze/errors.js';
import type { HourFile, OriginTick, TickLake } from '../../pipeline/ports.js';
import { decodeParquet, encodeParquet } from '../parquet/index.js';
import type { ObjectStore } from '../s3-object-store.js';
import { lakeTickRow, originTickFromRow } from './tick-rows.js';

const PARQUET = 'application/vnd.apache.parquet';

/** The compacted bronze lake (`ticks/symbol=…/date=…/part-hHH.parquet`) in the lake bucket. */
export class S3TickLake implements TickLake {
  constructor(private readonly store: ObjectStore) {}

  async read(file: HourFile): Promise<OriginTick[]> {
    const bytes = await this.store.get(file.key);
    if (bytes === undefined) return [];
    try {
      const rows = await decodeParquet(bytes);
      return rows.map((row, i) => originTickFromRow(row, i, file.symbol));
    } catch (err) {
      throw new UnreadableTickFileError(file.key, err instanceof Error ? err.message : String(err));
    }
  }

  async write(file: HourFile, ticks: readonly OriginTick[]): Promise<void> {
    await this.store.put(file.key, encodeParquet(TICKS_SCHEMA, ticks.map(lakeTickRow)), PARQUET);
  }
}
