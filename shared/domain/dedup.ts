import type { Tick } from './types.js';

/**
 * Trade ids of one symbol seen within the dedup horizon (docs/stream-contract.md#duplicates): a tick is a duplicate when an
 * earlier valid tick with its id has `ts ≥ maxTs − horizon`, maxTs being the symbol's maximum
 * event time before the tick (told with `advance`). Per id the index keeps the largest ts seen.
 *
 * Two generations of open-addressing tables (FNV-1a over the id, linear probing) rather than a
 * Map: new ids go into the current table; once every id in the previous one fell out of the
 * horizon, that table is cleared in one go and the two swap. Nothing is deleted or rehashed per
 * id, so the cost per tick stays constant; an expired id still in a table is harmless (the lookup
 * checks its ts). Measured against a single table rebuilt when half full (`npm run bench`,
 * stream core): the rebuilds' scans and re-inserts cost more than the second lookup this needs.
 */
export class DedupIndex {
  private current: IdTable;
  private previous = new IdTable(MIN_CAPACITY);
  /** maxTs − horizon: an earlier sighting at or after it makes a tick a duplicate. */
  private horizonStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly horizonMs: number,
    capacity = MIN_CAPACITY,
  ) {
    this.current = new IdTable(capacity);
  }

  /** The symbol's max event time is at least `maxTs` now; a lower value than before changes nothing. */
  advance(maxTs: number): void {
    const horizonStart = maxTs - this.horizonMs;
    if (horizonStart > this.horizonStart) this.horizonStart = horizonStart;
  }

  /**
   * Records the tick's id at its ts and tells whether it is a duplicate of an earlier tick within
   * the horizon. A tick without an id is never a duplicate. Takes the tick rather than its numbers:
   * where this call is not inlined, numbers passed would be boxed, one allocation each per tick.
   */
  observe(tick: Tick): boolean {
    const id = tick.id;
    if (id === undefined) return false;
    const ts = tick.ts;
    const horizonStart = this.horizonStart;
    if (this.previous.maxTs < horizonStart && this.current.used > 0) this.rotate();
    const hash = hashId(id);
    const current = this.current;
    const found = current.find(id, hash);
    if (found >= 0) return current.seenAgain(found, ts, horizonStart);
    const previous = this.previous;
    const inPrevious = previous.used > 0 ? previous.find(id, hash) : -1;
    if (inPrevious >= 0) {
      current.put(-1 - found, id, hash, previous.lastTs[inPrevious]!);
      return current.seenAgain(-1 - found, ts, horizonStart);
    }
    current.put(-1 - found, id, hash, ts);
    if (current.used * 2 >= current.capacity) this.current = current.grown();
    return false;
  }

  /**
   * The ids that still matter, as `[id, ts]` pairs sorted by id, so the same state always
   * serialises the same way.
   */
  live(): [string, number][] {
    const horizonStart = this.horizonStart;
    const latest = new Map<string, number>();
    for (const table of [this.previous, this.current]) {
      table.forEach((id, ts) => {
        if (ts >= horizonStart && ts > (latest.get(id) ?? Number.NEGATIVE_INFINITY)) latest.set(id, ts);
      });
    }
    return [...latest].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /**
   * Rebuilds the index from `[id, ts]` sightings and the symbol's max event time then: `live()`
   * output, or the trade ids a symbol's commits applied (an id may repeat; the largest ts counts,
   * and sightings already outside the horizon are left out).
   */
  static from(entries: Iterable<readonly [string, number]>, horizonMs: number, maxTs: number): DedupIndex {
    const list = Array.isArray(entries) ? (entries as readonly (readonly [string, number])[]) : [...entries];
    let capacity = MIN_CAPACITY;
    while (capacity < list.length * 4) capacity *= 2;
    const index = new DedupIndex(horizonMs, capacity);
    index.advance(maxTs);
    const table = index.current;
    for (const [id, ts] of list) {
      if (ts < index.horizonStart) continue;
      const hash = hashId(id);
      const slot = table.find(id, hash);
      if (slot >= 0) table.seenAgain(slot, ts, index.horizonStart);
      else table.put(-1 - slot, id, hash, ts);
    }
    return index;
  }

  /** Event time from which sightings still matter (max event time − horizon); −∞ before the first tick. */
  get from(): number {
    return this.horizonStart;
  }

  /** The previous table holds only expired ids: it becomes the (cleared) current one. */
  private rotate(): void {
    const expired = this.previous;
    this.previous = this.current;
    // Sized for what the last generation held, so one burst does not keep a large table forever.
    this.current = expired.cleared(this.previous.used);
  }
}

const MIN_CAPACITY = 64;

/** One open-addressing table: parallel arrays, hash 0 marking a free slot. */
class IdTable {
  readonly ids: (string | undefined)[];
  /** Hash of each slot's id, never 0; 0 marks a free slot. Probing reads only these. */
  readonly hashes: Int32Array;
  readonly lastTs: Float64Array;
  readonly capacity: number;
  private readonly mask: number;
  used = 0;
  /** Largest ts held: once below the horizon start, every id here has expired. */
  maxTs = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.lastTs = new Float64Array(capacity);
  }

  /** The slot holding `id`, or `-1 - slot` for the free slot where it would go. */
  find(id: string, hash: number): number {
    const hashes = this.hashes;
    const mask = this.mask;
    let slot = hash & mask;
    for (let held = hashes[slot]!; held !== 0; held = hashes[slot]!) {
      if (held === hash && this.ids[slot] === id) return slot;
      slot = (slot + 1) & mask;
    }
    return -1 - slot;
  }

  /** Fills a free slot returned by `find`. */
  put(slot: number, id: string, hash: number, ts: number): void {
    this.ids[slot] = id;
    this.hashes[slot] = hash;
    this.lastTs[slot] = ts;
    if (ts > this.maxTs) this.maxTs = ts;
    this.used++;
  }

  /** The id at `slot` is seen again at `ts`: keeps the larger ts, tells whether the earlier one is ≥ `horizonStart`. */
  seenAgain(slot: number, ts: number, horizonStart: number): boolean {
    const seen = this.lastTs[slot]!;
    if (ts > seen) {
      this.lastTs[slot] = ts;
      if (ts > this.maxTs) this.maxTs = ts;
    }
    return seen >= horizonStart;
  }

  forEach(visit: (id: string, ts: number) => void): void {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.hashes[slot] !== 0) visit(this.ids[slot]!, this.lastTs[slot]!);
    }
  }

  /** This table with twice the capacity. */
  grown(): IdTable {
    const bigger = new IdTable(this.capacity * 2);
    for (let slot = 0; slot < this.capacity; slot++) {
      const hash = this.hashes[slot]!;
      if (hash === 0) continue;
      const id = this.ids[slot]!;
      bigger.put(-1 - bigger.find(id, hash), id, hash, this.lastTs[slot]!);
    }
    return bigger;
  }

  /** This table emptied, or a new one when it is far larger than `expected` ids need. */
  cleared(expected: number): IdTable {
    if (this.capacity > MIN_CAPACITY && this.capacity > expected * 8) {
      let capacity = MIN_CAPACITY;
      while (capacity < expected * 4) capacity *= 2;
      return new IdTable(capacity);
    }
    this.hashes.fill(0);
    this.ids.fill(undefined);
    this.used = 0;
    this.maxTs = Number.NEGATIVE_INFINITY;
    return this;
  }
}

/** 32-bit FNV-1a of the id's UTF-16 code units, 1 instead of 0 (which marks a free slot). */
function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash === 0 ? 1 : hash;
}
