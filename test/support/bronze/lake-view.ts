import { S3StagingArea } from '../../../shared/adapters/bronze/s3-staging-area.js';
import { originTickFromRow } from '../../../shared/adapters/bronze/tick-rows.js';
import { decodeParquet } from '../../../shared/adapters/parquet/index.js';
import type { ObjectStore } from '../../../shared/adapters/s3-object-store.js';
import { parsePartitionPath } from '../../../shared/lake/keys.js';
import { hourFileOf, partNumberOf } from '../../../shared/pipeline/bronze/hour-files.js';
import { tickIdentity } from '../../../shared/pipeline/bronze/tick-order.js';
import type { OriginTick } from '../../../shared/pipeline/ports.js';

/**
 * What a reader of the bronze lake sees: list `ticks/`, read every file, take the symbol from the path
 * (as DuckDB/Athena do with Hive partitions). Used by the integration tests to check the lake from outside;
 * it also checks that every tick is in a part of the file of its hour (`hourFileOf`, `partKey`).
 */
export async function readTickLake(
  store: ObjectStore,
  fileMinutes = 60,
): Promise<{ files: string[]; ticks: OriginTick[] }> {
  const files = (await store.list('ticks/')).sort();
  const ticks: OriginTick[] = [];
  for (const key of files) {
    const bytes = await store.get(key);
    if (bytes === undefined) continue; // replaced between list and get: the reader would retry
    const { partition } = parsePartitionPath(key);
    const rows = await decodeParquet(bytes);
    rows.forEach((row, i) => {
      const t = originTickFromRow(row, i, partition.symbol!);
      const expected = hourFileOf(t.tick.symbol, t.tick.ts, fileMinutes);
      if (partNumberOf(expected, key) === undefined)
        throw new Error(`tick ${tickIdentity(t)} is in ${key}, expected a part of ${expected.key}`);
      ticks.push(t);
    });
  }
  return { files, ticks };
}

/** Every tick still staged (possibly twice). */
export async function readStaged(store: ObjectStore): Promise<OriginTick[]> {
  const staging = new S3StagingArea(store);
  const out: OriginTick[] = [];
  for (const key of await staging.list()) out.push(...((await staging.read(key)) ?? []));
  return out;
}

/** A comparable text of a tick with everything a row holds. */
export function tickText(t: OriginTick): string {
  const { tick, origin } = t;
  return [
    tickIdentity(t),
    tick.symbol,
    tick.ts,
    tick.price,
    tick.size,
    tick.id ?? '∅',
    origin.arrivalTime,
  ].join('|');
}

/** Identities that occur more than once. */
export function duplicatedIdentities(ticks: readonly OriginTick[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const t of ticks) {
    const id = tickIdentity(t);
    if (seen.has(id)) twice.add(id);
    seen.add(id);
  }
  return [...twice];
}
