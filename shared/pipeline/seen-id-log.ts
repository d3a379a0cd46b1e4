import type { SeenIds } from '../domain/index.js';

/**
 * A symbol's seen-id log: the trade ids its commits applied, kept beside its bounded state so that
 * a commit writes the ids of its own batch and nothing else (the write cost grows with the batch,
 * not with the dedup horizon), and no symbol's rate can push an item past the store's size limit.
 *
 * Each commit that applied ids appends one entry, split into parts of bounded size. An entry's
 * key starts with the largest ts of any id logged so far on the chain (its own and its
 * predecessors'), which never decreases along the chain and bounds the entry's ids, so a reader
 * fetches exactly the entries that can hold live ids, a suffix of the chain, by key ≥ the horizon
 * start; a random nonce makes every write attempt's key unique. Entries are chained: each names the entry before it, and the state's head names the
 * newest (`tip`). An entry written by an attempt whose commit lost (a zombie, a crash, a batch
 * later sent to the on-failure destination) is never on the chain, so its ids are never counted,
 * and nothing is overwritten, so a late writer cannot change what a committed entry says.
 */
export interface SeenIdEntryPart {
  /** The entry this part belongs to (`seenIdEntryKey`). */
  readonly entry: string;
  readonly part: number;
  readonly parts: number;
  /** The entry before it on the chain, or null for the first. */
  readonly prev: string | null;
  readonly ids: SeenIds;
}

/** Largest `[id, ts]` list one part carries, counted as JSON text (a part stays far below 400 KB). */
export const MAX_PART_BYTES = 256 * 1024;

/**
 * Sortable text of an event time: the key prefix of entries. Epoch ms of any valid date shifted by
 * 10^16 to be positive, zero-padded to 17 digits, so text order is numeric order.
 */
export function eventTimeKey(ts: number): string {
  return String(Math.floor(ts) + 1e16).padStart(17, '0');
}

/**
 * Key of the entry a commit appends after `tip`: the largest id ts on the chain so far, the version
 * it commits, and a nonce unique to the attempt.
 */
export function nextEntryKey(tip: string | undefined, ids: SeenIds, version: number, nonce: string): string {
  let ts = tip === undefined ? Number.NEGATIVE_INFINITY : Number(tip.slice(0, 17)) - 1e16;
  for (const [, seen] of ids) if (seen > ts) ts = seen;
  return `${eventTimeKey(ts)}#${String(version).padStart(12, '0')}#${nonce}`;
}

/**
 * Splits one commit's ids into parts of at most `maxPartBytes` of JSON each.
 * @example planEntry('k', 'prev', [['a', 1]]) // one part
 */
export function planEntry(
  entry: string,
  prev: string | null,
  ids: SeenIds,
  maxPartBytes = MAX_PART_BYTES,
): SeenIdEntryPart[] {
  const chunks: (readonly [string, number])[][] = [[]];
  let bytes = 0;
  for (const pair of ids) {
    const size = pair[0].length + 24;
    if (bytes + size > maxPartBytes && chunks.at(-1)!.length > 0) {
      chunks.push([]);
      bytes = 0;
    }
    chunks.at(-1)!.push(pair);
    bytes += size;
  }
  return chunks.map((chunk, part) => ({ entry, part, parts: chunks.length, prev, ids: chunk }));
}

/**
 * The ids of the chain that ends at `tip`, from the parts a reader fetched (those with key ≥ the
 * horizon start, orphans included). Walks back from the tip while the entries are there and whole;
 * entries older than what was fetched hold only expired ids.
 */
export function resolveChain(tip: string | undefined, parts: Iterable<SeenIdEntryPart>): SeenIds {
  const entries = new Map<string, SeenIdEntryPart[]>();
  for (const p of parts) {
    const list = entries.get(p.entry);
    if (list) list.push(p);
    else entries.set(p.entry, [p]);
  }
  const out: (readonly [string, number])[] = [];
  for (let key = tip ?? null; key !== null; ) {
    const list = entries.get(key);
    if (!list || list.length !== list[0]!.parts) break;
    for (const p of list) for (const pair of p.ids) out.push(pair);
    key = list[0]!.prev;
  }
  return out;
}
