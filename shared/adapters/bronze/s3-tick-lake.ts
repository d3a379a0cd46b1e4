import { TICKS_SCHEMA } from '../../lake/schemas.js';
import { UnreadableTickFileError } from '../../pipeline/bronze/errors.js';
import { partKey, partNumberOf } from '../../pipeline/bronze/hour-files.js';
import { compareTicks, positionIdentity } from '../../pipeline/bronze/tick-order.js';
import type { HourFile, OriginTick, PartFooter, StoredPart, TickLake } from '../../pipeline/ports.js';
import { decodeParquet, encodeParquet, parquetFooter } from '../parquet/index.js';
import type { ObjectStore } from '../s3-object-store.js';
import { lakeTickRow, originTickFromRow } from './tick-rows.js';

const PARQUET = 'application/vnd.apache.parquet';

/** Footer key of a part's {@link PartFooter} (JSON), docs/lake.md "How files are written". */
export const PART_FOOTER_KEY = 'tickflow.bronze.parts';

const IDENTITY_COLUMNS = ['shard_id', 'sequence_number', 'sub_index'] as const;

/**
 * The compacted bronze lake (`ticks/symbol=…/date=…/part-hHH.parquet` and its later parts
 * `part-hHH-p0001.parquet`, …) in the lake bucket.
 */
export class S3TickLake implements TickLake {
  constructor(private readonly store: ObjectStore) {}

  async read(file: HourFile): Promise<OriginTick[]> {
    const ticks: OriginTick[] = [];
    for (const part of await this.partNumbers(file)) {
      const stored = await this.readPart(file, part);
      if (stored) for (const t of await stored.ticks()) ticks.push(t);
    }
    return ticks.sort(compareTicks);
  }

  /**
   * The ticks of one stored object at `key` (a whole hour file or one of its parts, of `symbol`); []
   * when it does not exist. Every row of an hour is in exactly one of its parts, so reading each key
   * under a symbol's prefix reads each row once.
   */
  async readKey(key: string, symbol: string): Promise<OriginTick[]> {
    const bytes = await this.store.get(key);
    if (bytes === undefined) return [];
    const rows = await unreadableAsync(key, () => decodeParquet(bytes));
    return unreadableAs(key, () => rows.map((row, i) => originTickFromRow(row, i, symbol)));
  }

  async partNumbers(file: HourFile): Promise<number[]> {
    const prefix = file.key.slice(0, -'.parquet'.length);
    const numbers: number[] = [];
    for (const key of await this.store.list(prefix)) {
      const part = partNumberOf(file, key);
      if (part !== undefined) numbers.push(part);
    }
    return numbers.sort((a, b) => a - b);
  }

  async readPart(file: HourFile, part: number): Promise<StoredPart | undefined> {
    const key = partKey(file, part);
    const bytes = await this.store.get(key);
    if (bytes === undefined) return undefined;
    const { rows, footer } = unreadableAs(key, () => {
      const facts = parquetFooter(bytes);
      return { rows: facts.rows, footer: parseFooter(facts.keyValue.get(PART_FOOTER_KEY)) };
    });
    return {
      rows,
      footer,
      ticks: async () => {
        const decoded = await unreadableAsync(key, () => decodeParquet(bytes));
        return unreadableAs(key, () => decoded.map((row, i) => originTickFromRow(row, i, file.symbol)));
      },
    };
  }

  async readIdentities(file: HourFile, part: number): Promise<Set<string>> {
    const key = partKey(file, part);
    const bytes = await this.store.get(key);
    if (bytes === undefined) throw new UnreadableTickFileError(key, 'the part vanished while compacting');
    const rows = await unreadableAsync(key, () => decodeParquet(bytes, IDENTITY_COLUMNS));
    return unreadableAs(key, () => {
      const ids = new Set<string>();
      for (const row of rows) {
        const { shard_id: shardId, sequence_number: sequenceNumber, sub_index: subIndex } = row;
        if (
          typeof shardId !== 'string' ||
          typeof sequenceNumber !== 'string' ||
          typeof subIndex !== 'number'
        ) {
          throw new Error(`identity columns of the wrong type: ${JSON.stringify(row)}`);
        }
        ids.add(positionIdentity(shardId, sequenceNumber, subIndex));
      }
      return ids;
    });
  }

  async writePart(
    file: HourFile,
    part: number,
    ticks: readonly OriginTick[],
    footer: PartFooter,
  ): Promise<void> {
    const bytes = encodeParquet(TICKS_SCHEMA, ticks.map(lakeTickRow), {
      keyValueMetadata: new Map([[PART_FOOTER_KEY, JSON.stringify(footer)]]),
    });
    await this.store.put(partKey(file, part), bytes, PARQUET);
  }
}

/** A footer as written by `writePart`; undefined for a file written before parts existed. */
function parseFooter(text: string | undefined): PartFooter | undefined {
  if (text === undefined) return undefined;
  const footer = JSON.parse(text) as PartFooter;
  if (typeof footer.sealed !== 'boolean' || !Array.isArray(footer.parts)) {
    throw new Error(`${PART_FOOTER_KEY} is not a part footer: ${text.slice(0, 200)}`);
  }
  return footer;
}

function unreadableAs<T>(key: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw new UnreadableTickFileError(key, err instanceof Error ? err.message : String(err));
  }
}

async function unreadableAsync<T>(key: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new UnreadableTickFileError(key, err instanceof Error ? err.message : String(err));
  }
}
