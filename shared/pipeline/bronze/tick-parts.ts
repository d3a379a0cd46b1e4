import type { HourFile, OriginTick, PartFooter, PartRanges, TickLake } from '../ports.js';
import { compareSequenceNumbers } from '../sequence.js';
import { compareTicks, mergeTicks, tickIdentity } from './tick-order.js';

/**
 * Rows per part of a compacted file. A run rewrites at most the file's last, open part, so this bounds
 * the rewrite a run pays whatever the hour holds. Chosen with `npx tsx test/unit/bronze/compaction-bench.ts`
 * (README "How exactly-once works"): one row group of the lake's writer, ≈ 4.5 MB of SNAPPY Parquet.
 */
export const DEFAULT_PART_ROWS = 262_144;

/** What one merge into a file did. */
export interface PartMerge {
  /** Parts written, in order, with their rows after the write. */
  readonly written: { part: number; rows: number }[];
  readonly added: number;
  readonly duplicatesDropped: number;
}

/** The compactor's view of one file during a run: kept between chunks, so a run reads a file once. */
export interface FileParts {
  /** Number of the last part; -1 when the file has none. */
  last: number;
  /** Whether the last part is still open for rows. */
  lastOpen: boolean;
  /** Rows of the last part, decoded when it is open or when a lookup needs them. */
  lastTicks: OriginTick[] | undefined;
  /** Ranges of every part up to `last` (null: unknown, every row is looked up there). */
  ranges: (PartRanges | null)[];
  /** Identities of parts read for lookups, by part number. */
  identities: Map<number, Set<string>>;
}

/** Reads what a merge needs to know about a file: its last part, its footer, the ranges of all parts. */
export async function loadFileParts(lake: TickLake, file: HourFile, partRows: number): Promise<FileParts> {
  const first = await lake.readPart(file, 0);
  const fresh = (): FileParts => ({
    last: -1,
    lastOpen: false,
    lastTicks: undefined,
    ranges: [],
    identities: new Map(),
  });
  // Parts are written from 0 up and never deleted: without part 0 the file has no part.
  if (first === undefined) return fresh();
  if (first.footer?.sealed === false) {
    const ticks = await first.ticks();
    return { ...fresh(), last: 0, lastOpen: true, lastTicks: ticks, ranges: [rangesOf(ticks)] };
  }
  return fromLast(lake, file, partRows);
}

async function fromLast(lake: TickLake, file: HourFile, partRows: number): Promise<FileParts> {
  const numbers = await lake.partNumbers(file);
  const last = numbers.at(-1);
  if (last === undefined)
    return { last: -1, lastOpen: false, lastTicks: undefined, ranges: [], identities: new Map() };
  const part = await lake.readPart(file, last);
  if (part === undefined) throw new Error(`part ${last} of ${file.key} vanished while compacting`);
  const ranges: (PartRanges | null)[] = Array.from(
    { length: last + 1 },
    (_, i) => part.footer?.parts[i] ?? null,
  );
  // A file written before parts existed has no footer: it is open while it is small, sealed otherwise.
  const lastOpen = part.footer ? !part.footer.sealed : part.rows < partRows;
  let lastTicks: OriginTick[] | undefined;
  if (lastOpen || ranges[last] === null) {
    lastTicks = await part.ticks();
    ranges[last] = rangesOf(lastTicks);
  }
  return { last, lastOpen, lastTicks, ranges, identities: new Map() };
}

/**
 * Merges staged ticks (all of `file`) into its parts, without rewriting what the file already holds,
 * and updates `parts` to the file after the writes. Its rows live in numbered parts;
 * every part but the last is sealed and never written again, and a row, once in a part, stays in it.
 * A merge of staged rows into the file:
 *
 * 1. finds the last part: part 0's footer says whether it is still open (then it is the last one, since a
 *    part is sealed before a later one is written); otherwise one LIST of the file's parts;
 * 2. drops staged rows already in the file. The last part's footer holds every part's shard ranges (the
 *    smallest and largest (sequence number, sub_index) of each shard among its rows): a staged row outside
 *    every part's range for its shard cannot be in the file; one inside a range is looked up in that
 *    part's identity columns (exact). Ticks arrive in sequence order and staged objects are compacted
 *    oldest first, so a new row is almost always above every range and costs one comparison; a retried
 *    batch or a rerun after a crash reads the identities of the parts it overlaps;
 * 3. fills the open part up to `partRows` (one rewrite of at most `partRows` rows), then writes the rest as
 *    new parts of `partRows` rows, in part order; a part is written sealed when a later one will follow.
 *
 * Why it is exact and safe: a part's ranges are computed from its rows when it is written and copied
 * unchanged into every later footer (a sealed part never changes), so the last footer's ranges cover
 * every row of the file, and a row outside them is new. Rows never move between parts and parts are
 * never deleted, so a reader listing the partition sees every row once, before or after each PUT. A
 * crash after some PUTs leaves written rows in the file and their staged objects in place; the next merge
 * finds them inside the ranges, looks them up and drops them.
 * @example const { added } = await mergeIntoParts(lake, file, await loadFileParts(lake, file, n), staged, n);
 */
export async function mergeIntoParts(
  lake: TickLake,
  file: HourFile,
  parts: FileParts,
  staged: readonly OriginTick[],
  partRows: number,
): Promise<PartMerge> {
  const fresh = await newRows(lake, file, parts, staged);
  const duplicatesDropped = staged.length - fresh.length;
  if (fresh.length === 0) return { written: [], added: 0, duplicatesDropped };
  fresh.sort(compareTicks);

  const writes: OriginTick[][] = [];
  let first = parts.last + 1;
  let rest = fresh;
  if (parts.lastOpen) {
    const open = parts.lastTicks ?? [];
    const take = rest.slice(0, Math.max(0, partRows - open.length));
    rest = rest.slice(take.length);
    writes.push(mergeTicks(open, take).ticks);
    first = parts.last;
  }
  for (let i = 0; i < rest.length; i += partRows) writes.push(rest.slice(i, i + partRows));

  const written: { part: number; rows: number }[] = [];
  for (const [i, ticks] of writes.entries()) {
    const part = first + i;
    const sealed = ticks.length >= partRows || i < writes.length - 1;
    parts.ranges[part] = rangesOf(ticks);
    const footer: PartFooter = { sealed, parts: parts.ranges.slice(0, part + 1) };
    await lake.writePart(file, part, ticks, footer);
    parts.identities.delete(part);
    parts.last = part;
    parts.lastOpen = !sealed;
    parts.lastTicks = ticks;
    written.push({ part, rows: ticks.length });
  }
  return { written, added: fresh.length, duplicatesDropped };
}

/** The staged rows that are in no part of the file and not earlier in `staged`. */
async function newRows(
  lake: TickLake,
  file: HourFile,
  parts: FileParts,
  staged: readonly OriginTick[],
): Promise<OriginTick[]> {
  const ceiling = ceilings(parts.ranges);
  const seen = new Set<string>();
  const fresh: OriginTick[] = [];
  for (const t of staged) {
    const id = tickIdentity(t);
    if (seen.has(id)) continue;
    seen.add(id);
    const top = ceiling === undefined ? 'unknown' : ceiling.get(t.origin.shardId);
    const maybeIn = top === 'unknown' || (top !== undefined && !isAbove(t, top));
    if (maybeIn && (await inFile(lake, file, parts, t, id))) continue;
    fresh.push(t);
  }
  return fresh;
}

/** Whether a tick inside some part's range is one of that part's rows. */
async function inFile(
  lake: TickLake,
  file: HourFile,
  parts: FileParts,
  t: OriginTick,
  id: string,
): Promise<boolean> {
  for (let part = 0; part <= parts.last; part++) {
    const ranges = parts.ranges[part];
    if (ranges !== null && ranges !== undefined && !covers(ranges, t)) continue;
    let ids = parts.identities.get(part);
    if (ids === undefined) {
      ids =
        part === parts.last && parts.lastTicks !== undefined
          ? new Set(parts.lastTicks.map(tickIdentity))
          : await lake.readIdentities(file, part);
      parts.identities.set(part, ids);
    }
    if (ids.has(id)) return true;
  }
  return false;
}

/** (sequence number, sub_index) per shard among `ticks`: smallest and largest. */
export function rangesOf(ticks: readonly OriginTick[]): PartRanges {
  const shards: Record<string, [string, number, string, number]> = {};
  for (const { origin: o } of ticks) {
    const r = shards[o.shardId];
    if (r === undefined) {
      shards[o.shardId] = [o.sequenceNumber, o.subIndex, o.sequenceNumber, o.subIndex];
      continue;
    }
    if (comparePosition(o.sequenceNumber, o.subIndex, r[0], r[1]) < 0) {
      r[0] = o.sequenceNumber;
      r[1] = o.subIndex;
    }
    if (comparePosition(o.sequenceNumber, o.subIndex, r[2], r[3]) > 0) {
      r[2] = o.sequenceNumber;
      r[3] = o.subIndex;
    }
  }
  return { rows: ticks.length, shards };
}

type Position = readonly [string, number];

/**
 * Per shard, the largest position of any part's rows; undefined when a part's ranges are unknown (a file
 * written before parts existed), and then every staged row is looked up.
 */
function ceilings(ranges: readonly (PartRanges | null | undefined)[]): Map<string, Position> | undefined {
  const top = new Map<string, Position>();
  for (const r of ranges) {
    if (r === null || r === undefined) return undefined;
    for (const [shard, [, , seq, sub]] of Object.entries(r.shards)) {
      const t = top.get(shard);
      if (t === undefined || comparePosition(seq, sub, t[0], t[1]) > 0) top.set(shard, [seq, sub]);
    }
  }
  return top;
}

function isAbove(t: OriginTick, top: Position): boolean {
  return comparePosition(t.origin.sequenceNumber, t.origin.subIndex, top[0], top[1]) > 0;
}

function covers(r: PartRanges, t: OriginTick): boolean {
  const s = r.shards[t.origin.shardId];
  if (s === undefined) return false;
  const { sequenceNumber: seq, subIndex: sub } = t.origin;
  return comparePosition(seq, sub, s[0], s[1]) >= 0 && comparePosition(seq, sub, s[2], s[3]) <= 0;
}

function comparePosition(seqA: string, subA: number, seqB: string, subB: number): number {
  return compareSequenceNumbers(seqA, seqB) || subA - subB;
}
