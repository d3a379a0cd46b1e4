import {
  BARS_SCHEMA,
  barRow,
  LATE_SCHEMA,
  type LakeRow,
  lateTickRow,
  parsePartitionPath,
  partitionFileKey,
  partitionKey,
  partitionPrefix,
  utcDate,
} from '../../lake/index.js';
import type { SymbolItem } from '../ports.js';
import type { BackfillLake } from './ports.js';
import { replaySymbol } from './replay.js';
import { datesBetween, resolveBackfillRequest, utcDay } from './request.js';
import type {
  BackfillRequest,
  PreparedBackfill,
  SymbolBackfillInput,
  SymbolBackfillResult,
} from './types.js';

const PARQUET = 'application/vnd.apache.parquet';
const DAY_MS = 86_400_000;

/**
 * The prepare step: checks the request and lists the symbols with bronze ticks in the range (or
 * keeps the requested ones that have any), for the Map to run over.
 */
export async function prepareBackfill(
  lake: BackfillLake,
  request: BackfillRequest,
): Promise<PreparedBackfill> {
  const resolved = resolveBackfillRequest(request);
  const inRange = new Set(datesBetween(resolved.from, resolved.to));
  const withTicks = new Set<string>();
  for (const key of await lake.list('ticks/')) {
    const { partition } = parsePartitionPath(key);
    if (inRange.has(partition.date!)) withTicks.add(partition.symbol!);
  }
  const symbols = request.symbols ? request.symbols.filter((s) => withTicks.has(s)) : [...withTicks];
  return { ...resolved, symbols: symbols.sort() };
}

/**
 * One symbol's backfill: reads its bronze ticks from the day before `from` to the day after `to`
 * (the lead-in gives the watermark and the dedup index their history, the lead-out completes windows
 * that cross midnight), replays them in arrival order, and replaces its bar and late partitions of
 * each interval for the dates in the range. Each partition is one object written by one PUT, so a
 * reader sees the old file or the new one, never a mix; then files the replay no longer fills are
 * deleted. Idempotent: a run interrupted anywhere is repaired by running it again.
 */
export async function backfillSymbol(
  lake: BackfillLake,
  input: SymbolBackfillInput,
): Promise<SymbolBackfillResult> {
  const { symbol } = input;
  const from = utcDay(input.from)!;
  const to = utcDay(input.to)!;
  const readDates = new Set(datesBetween(utcDate(from - DAY_MS), utcDate(to + DAY_MS)));
  const items: SymbolItem[] = [];
  for (const key of await lake.list(partitionPrefix('ticks', { symbol }))) {
    if (!key.endsWith('.parquet') || !readDates.has(parsePartitionPath(key).partition.date!)) continue;
    for (const t of await lake.readBronze(key, symbol)) items.push(t);
  }
  // The idle flush's marks, so lateness is decided where the stream decided it.
  for (const date of readDates) for (const m of await lake.readMarks(symbol, date)) items.push(m);
  const replay = replaySymbol(items, input);

  const inRange = (ms: number) => ms >= from && ms < to + DAY_MS;
  const files = new Map<string, { dataset: 'bars' | 'late'; rows: LakeRow[] }>();
  const add = (dataset: 'bars' | 'late', interval: string, ms: number, row: LakeRow) => {
    const key = partitionFileKey(partitionKey(dataset, { interval, symbol, date: utcDate(ms) }));
    const file = files.get(key) ?? { dataset, rows: [] };
    files.set(key, file);
    file.rows.push(row);
  };
  const bars: Record<string, number> = {};
  const late: Record<string, number> = {};
  for (const interval of input.intervals) {
    bars[interval] = 0;
    late[interval] = 0;
  }
  for (const bar of [...replay.bars].sort((a, b) => a.windowStart - b.windowStart)) {
    if (!inRange(bar.windowStart)) continue;
    add('bars', bar.interval, bar.windowStart, barRow(bar));
    bars[bar.interval]!++;
  }
  for (const entry of replay.late) {
    if (!inRange(entry.tick.ts)) continue;
    add('late', entry.interval, entry.tick.ts, lateTickRow(entry, entry.origin));
    late[entry.interval]!++;
  }
  for (const [key, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await lake.put(
      key,
      lake.encodeRows(file.dataset === 'bars' ? BARS_SCHEMA : LATE_SCHEMA, file.rows),
      PARQUET,
    );
  }

  // Partitions of the range that the replay leaves empty, and any other file in a replaced one.
  let filesDeleted = 0;
  const rangeDates = new Set(datesBetween(input.from, input.to));
  for (const dataset of ['bars', 'late'] as const) {
    for (const interval of input.intervals) {
      for (const key of await lake.list(partitionPrefix(dataset, { interval, symbol }))) {
        if (files.has(key) || !rangeDates.has(parsePartitionPath(key).partition.date!)) continue;
        await lake.delete(key);
        filesDeleted++;
      }
    }
  }
  return {
    symbol,
    ticks: replay.ticks,
    duplicates: replay.duplicates,
    bars,
    late,
    filesWritten: files.size,
    filesDeleted,
  };
}
