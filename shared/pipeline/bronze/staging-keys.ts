import { createHash } from 'node:crypto';
import { escapeHivePathValue } from '../../lake/hive-escape.js';
import type { OriginTick } from '../ports.js';
import { tickIdentity } from './tick-order.js';

/**
 * Prefix of the staged objects: outside `ticks/` and every other table location, so Athena, Glue and a
 * DuckDB glob over `ticks/**` never read staged rows (which may overlap until compaction dedups them).
 */
export const STAGING_PREFIX = 'staging/ticks/';

/**
 * Prefix of the watermark marks the bronze writer keeps for backfill (one object per mark, see
 * `MarkStore`): `_`-prefixed, so query engines reading the tables skip it.
 */
export const MARKS_PREFIX = '_marks/';

/**
 * Key of the staged object holding these ticks (all of one shard, in stream order):
 * `staging/ticks/shard=<shardId>/<firstSeq>-<lastSeq>-<digest>.parquet`.
 *
 * The key is a function of the rows only: a redelivered identical batch replaces the same object with the
 * same bytes, and a batch split differently on a retry gets another key (its rows overlap, and compaction
 * drops the duplicates). The digest of the identities guarantees that one key never holds two different
 * row sets, so an overwrite can never lose a row that was not compacted yet.
 * @example stagingKey(ticks) // 'staging/ticks/shard=shardId-000000000000/4959…-4959…-3f2a9c01d4e7.parquet'
 */
export function stagingKey(ticks: readonly OriginTick[]): string {
  const first = ticks[0];
  const last = ticks.at(-1);
  if (first === undefined || last === undefined)
    throw new RangeError('a staged object needs at least one tick');
  const digest = createHash('sha256');
  for (const t of ticks) digest.update(tickIdentity(t)).update('\n');
  const shard = escapeHivePathValue(first.origin.shardId);
  const range = `${first.origin.sequenceNumber}-${last.origin.sequenceNumber}`;
  return `${STAGING_PREFIX}shard=${shard}/${range}-${digest.digest('hex').slice(0, 16)}.parquet`;
}
