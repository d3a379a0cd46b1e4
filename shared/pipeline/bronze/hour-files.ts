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
 * `ts` (00–23). So a symbol-day holds at most 24 files (a busy hour's in several parts), named by what they
 * contain (never by a batch), and a late tick lands in the file of its own hour.
 *
 * Trade-off: a compacted file costs ≈ 22 B per tick (SNAPPY) where a 25-tick staged object costs ≈ 150 B,
 * and engines read small files far slower (Athena ~85×: README, Decisions), so ticks are gathered per hour;
 * daily files would span more late data per run, per-batch files leave thousands of small files per day.
 * A busy hour is stored as parts of bounded size (`partKey`, `tick-parts.ts`), so a run never rewrites more
 * than one part per file, whatever the hour holds (`npx tsx test/unit/bronze/compaction-bench.ts`).
 *
 * `fileMinutes` below 60 splits each hour into files of that many minutes, `part-hHH-mMM.parquet` (MM the
 * first minute), each with its own parts. The file of a tick is still a function of the tick alone, which keeps the merge exactly-once.
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
 * Key of part `part` of a compacted file: part 0 is the file's own key (`part-h13.parquet`), part n ≥ 1
 * adds `-p` and n in at least four digits (`part-h13-p0001.parquet`, `part-h13-m45-p0002.parquet`).
 * Parts split a busy hour into files of a bounded row count (see `tick-parts.ts`); an hour of a quiet
 * symbol stays one file, named as before parts existed.
 */
export function partKey(file: HourFile, part: number): string {
  if (!Number.isSafeInteger(part) || part < 0)
    throw new RangeError(`a part number is an integer ≥ 0, got ${part}`);
  if (part === 0) return file.key;
  return `${file.key.slice(0, -PARQUET.length)}-p${String(part).padStart(4, '0')}${PARQUET}`;
}

/**
 * The part number of `key` if it is a part of `file` (see {@link partKey}), else undefined: the keys of
 * another file of the same partition (another hour, or minute files) are not its parts.
 */
export function partNumberOf(file: HourFile, key: string): number | undefined {
  if (key === file.key) return 0;
  const base = file.key.slice(0, -PARQUET.length);
  if (!key.startsWith(`${base}-p`) || !key.endsWith(PARQUET)) return undefined;
  const digits = key.slice(base.length + 2, -PARQUET.length);
  if (!/^\d{4,}$/.test(digits)) return undefined;
  const part = Number(digits);
  return part >= 1 && partKey(file, part) === key ? part : undefined;
}

const PARQUET = '.parquet';

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
