import { LakeKeyError } from '../../lake/errors.js';
import { partitionFileKey, utcDate } from '../../lake/keys.js';
import { ticksPartitionKey } from '../../lake/partitions.js';
import type { HourFile, OriginTick } from '../ports.js';

/** Minutes of event time per compacted file when nothing else is configured: one file per hour. */
export const HOURLY_FILE_MINUTES = 60;

/**
 * Checks a compacted-file span: a divisor of 60 minutes, so the files of an hour tile it.
 * @throws RangeError otherwise.
 */
export function checkFileMinutes(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60 || 60 % minutes !== 0) {
    throw new RangeError(
      `fileMinutes must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60), got ${minutes}`,
    );
  }
  return minutes;
}

/**
 * Compacted bronze files are hourly: `ticks/symbol=<S>/date=<D>/part-h<HH>.parquet`, HH the UTC hour of
 * `ts` (00–23). So a symbol-day holds at most 24 files, named by what they contain (never by a batch), and
 * a late tick lands in the file of its own hour.
 *
 * Trade-off (file size vs rewrite cost), measured with `npx tsx test/unit/bronze/compaction-bench.ts` on
 * Node 20, 2 shared cores at load ≈ 8: a compacted file costs ≈ 18 B per tick (SNAPPY) where a 25-tick
 * staged object costs 141 B per tick, and engines read small files far slower (Athena ~85×: README, Decisions).
 * Each compaction rewrites every hour it touches whole: decode + merge + encode took 0.5 s for a
 * 10k-tick hour, 5.9 s for 100k (1.8 MB) and 27 s for 500k (8.9 MB); on a quiet machine (load ≈ 1)
 * 1.6 s and 8.0 s, about half of it Parquet decoding and half encoding. Daily files would rewrite up to 24×
 * more rows per run; per-batch files would skip the rewrite but leave thousands of small files per day.
 * Hourly keeps ≤ 24 files per symbol-day and a run's cost bounded by the current (and late) hours.
 *
 * For busier feeds (above roughly 100k ticks per symbol-hour) `fileMinutes` splits each hour into
 * files of that many minutes, `part-hHH-mMM.parquet` (MM the first minute), so a run rewrites less.
 * The file of a tick is still a function of the tick alone, which keeps the merge exactly-once.
 * Change it only while no batch can be retried across the change (stream drained): a tick compacted
 * under the old naming and staged again by a retry after it would land in a second file.
 */
export function hourFileOf(symbol: string, ts: number, fileMinutes = HOURLY_FILE_MINUTES): HourFile {
  const date = utcDate(ts);
  const at = new Date(ts);
  const hour = at.getUTCHours();
  const hh = `h${String(hour).padStart(2, '0')}`;
  if (fileMinutes === HOURLY_FILE_MINUTES) {
    return { key: partitionFileKey(ticksPartitionKey(symbol, ts), hh), symbol, date, hour, minute: 0 };
  }
  const minute = Math.floor(at.getUTCMinutes() / fileMinutes) * fileMinutes;
  const key = partitionFileKey(ticksPartitionKey(symbol, ts), `${hh}-m${String(minute).padStart(2, '0')}`);
  return { key, symbol, date, hour, minute };
}

/**
 * Whether the lake can hold a tick with this event time: its UTC date must be a `YYYY-MM-DD` of years
 * 0000–9999 (`utcDate`). The stream contract accepts any safe-integer `ts`, so a valid tick can still be
 * outside; the bronze writer counts those instead of staging rows compaction could never place.
 */
export function isPartitionable(ts: number): boolean {
  try {
    utcDate(ts);
    return true;
  } catch (err) {
    if (err instanceof LakeKeyError) return false;
    throw err;
  }
}

/** Ticks grouped by the compacted file they belong to (insertion order of first appearance). */
export function groupByHourFile(
  ticks: readonly OriginTick[],
  fileMinutes = HOURLY_FILE_MINUTES,
): Map<string, { file: HourFile; ticks: OriginTick[] }> {
  const groups = new Map<string, { file: HourFile; ticks: OriginTick[] }>();
  for (const t of ticks) {
    const file = hourFileOf(t.tick.symbol, t.tick.ts, fileMinutes);
    const group = groups.get(file.key);
    if (group) group.ticks.push(t);
    else groups.set(file.key, { file, ticks: [t] });
  }
  return groups;
}
