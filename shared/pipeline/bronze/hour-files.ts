import { LakeKeyError } from '../../lake/errors.js';
import { partitionFileKey, utcDate } from '../../lake/keys.js';
import { ticksPartitionKey } from '../../lake/partitions.js';
import type { OriginTick } from '../ports.js';
import type { HourFile } from './ports.js';

/**
 * Compacted bronze files are hourly: `ticks/symbol=<S>/date=<D>/part-h<HH>.parquet`, HH the UTC hour of
 * `ts` (00–23). So a symbol-day holds at most 24 files, named by what they contain (never by a batch), and
 * a late tick lands in the file of its own hour.
 */
export function hourFileOf(symbol: string, ts: number): HourFile {
  const date = utcDate(ts);
  const hour = new Date(ts).getUTCHours();
  const key = partitionFileKey(ticksPartitionKey(symbol, ts), `h${String(hour).padStart(2, '0')}`);
  return { key, symbol, date, hour };
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

/** Ticks grouped by the hour file they belong to (insertion order of first appearance). */
export function groupByHourFile(
  ticks: readonly OriginTick[],
): Map<string, { file: HourFile; ticks: OriginTick[] }> {
  const groups = new Map<string, { file: HourFile; ticks: OriginTick[] }>();
  for (const t of ticks) {
    const file = hourFileOf(t.tick.symbol, t.tick.ts);
    const group = groups.get(file.key);
    if (group) group.ticks.push(t);
    else groups.set(file.key, { file, ticks: [t] });
  }
  return groups;
}
