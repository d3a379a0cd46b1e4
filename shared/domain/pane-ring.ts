import { addToOhlcv, COUNT, mergeOhlcv, OHLCV_FIELDS, startOhlcv } from './ohlcv.js';

/**
 * The open panes of one interval: OHLCV accumulators indexed by pane number p (pane p covers
 * [p·paneMs, (p+1)·paneMs)), in a ring of typed arrays. Held panes always lie in [low, high] and
 * that span never exceeds the capacity, so a pane's slot is `p mod capacity`. The ring doubles
 * when a pane falls outside the span it can hold; it never allocates per tick otherwise.
 */
export class PaneRing {
  /** Lowest pane number that may be held; +Infinity when empty. */
  low = Number.POSITIVE_INFINITY;
  /** Highest pane number that may be held; -Infinity when empty. */
  high = Number.NEGATIVE_INFINITY;
  /** Pane number held by each slot, NaN when the slot is free. */
  private paneOf: Float64Array;
  /** `OHLCV_FIELDS` numbers per slot. */
  accumulators: Float64Array;
  private mask: number;

  constructor(capacity = 16) {
    const size = nextPowerOfTwo(capacity);
    this.mask = size - 1;
    this.paneOf = new Float64Array(size).fill(Number.NaN);
    this.accumulators = new Float64Array(size * OHLCV_FIELDS);
  }

  get isEmpty(): boolean {
    return this.low > this.high;
  }

  /** Adds one tick to pane p. */
  add(p: number, ts: number, price: number, size: number): void {
    if (p < this.low || p > this.high) this.widen(p);
    const slot = p & this.mask; // ToInt32 keeps p mod 2^32, so this is p mod capacity for any safe integer
    const base = slot * OHLCV_FIELDS;
    if (this.paneOf[slot] === p) {
      addToOhlcv(this.accumulators, base, ts, price, size);
    } else {
      this.paneOf[slot] = p;
      startOhlcv(this.accumulators, base, ts, price, size);
    }
  }

  /**
   * Merges a whole accumulator (`from[fromBase…]`, ticks that arrived after the ones pane p holds)
   * into pane p.
   */
  merge(p: number, from: Float64Array, fromBase: number): void {
    if (p < this.low || p > this.high) this.widen(p);
    const slot = p & this.mask;
    const base = slot * OHLCV_FIELDS;
    if (this.paneOf[slot] !== p) {
      this.paneOf[slot] = p;
      this.accumulators[base + COUNT] = 0; // empty: the merge copies `from`
    }
    mergeOhlcv(this.accumulators, base, from, fromBase);
  }

  /** Offset of pane p's accumulator in `accumulators`, or -1 when the pane holds no tick. */
  offsetOf(p: number): number {
    if (p < this.low || p > this.high) return -1;
    const slot = p & this.mask;
    return this.paneOf[slot] === p ? slot * OHLCV_FIELDS : -1;
  }

  /** Drops every pane numbered ≤ `last`. */
  evictThrough(last: number): void {
    if (last < this.low) return;
    const stop = Math.min(last, this.high);
    for (let p = this.low; p <= stop; p++) {
      const slot = p & this.mask;
      if (this.paneOf[slot] === p) this.paneOf[slot] = Number.NaN;
    }
    if (last >= this.high) {
      this.low = Number.POSITIVE_INFINITY;
      this.high = Number.NEGATIVE_INFINITY;
    } else {
      this.low = last + 1;
    }
  }

  /** Pane numbers held, ascending. */
  heldPanes(): number[] {
    const panes: number[] = [];
    for (let p = this.low; p <= this.high; p++) if (this.offsetOf(p) >= 0) panes.push(p);
    return panes;
  }

  /** Stores a whole accumulator for pane p (restore from a snapshot). */
  load(p: number, fields: ArrayLike<number>): void {
    if (p < this.low || p > this.high) this.widen(p);
    const slot = p & this.mask;
    this.paneOf[slot] = p;
    for (let f = 0; f < OHLCV_FIELDS; f++) this.accumulators[slot * OHLCV_FIELDS + f] = fields[f]!;
  }

  private widen(p: number): void {
    const low = Math.min(this.low, p);
    const high = Math.max(this.high, p);
    const span = high - low + 1;
    if (span > this.mask + 1) this.grow(span);
    this.low = low;
    this.high = high;
  }

  private grow(span: number): void {
    const oldPaneOf = this.paneOf;
    const oldAccumulators = this.accumulators;
    const size = nextPowerOfTwo(span);
    this.mask = size - 1;
    this.paneOf = new Float64Array(size).fill(Number.NaN);
    this.accumulators = new Float64Array(size * OHLCV_FIELDS);
    for (let slot = 0; slot < oldPaneOf.length; slot++) {
      const p = oldPaneOf[slot]!;
      if (Number.isNaN(p)) continue;
      const target = p & this.mask;
      this.paneOf[target] = p;
      this.accumulators.set(
        oldAccumulators.subarray(slot * OHLCV_FIELDS, (slot + 1) * OHLCV_FIELDS),
        target * OHLCV_FIELDS,
      );
    }
  }
}

function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}
