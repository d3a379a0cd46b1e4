import { gcd, IntervalWindows } from './interval-windows.js';
import type { IntervalSpec } from './intervals.js';
import { OHLCV_FIELDS } from './ohlcv.js';
import { PaneRing } from './pane-ring.js';
import type { Bar, LateTick, Tick } from './types.js';

/** `[pane, count, volume, Σprice·size, high, low, openTs, open, closeTs, close]` per held pane, ascending. */
export type PaneList = (readonly number[])[];

/**
 * The windows of every interval of one symbol, sharing work between intervals: a tick updates ONE
 * accumulator however many intervals there are.
 *
 * Base panes are B ms long, B being the shortest pane length of the intervals. An interval whose
 * pane length is a multiple of B (with the default `1m,5m,15m,1h,1d,5m_1m`: all of them) keeps no
 * per-tick work: base pane p is merged ("rolled up") into the interval's own pane when the
 * watermark reaches `rollUpAt(p)`, the end of the first window of any such interval that holds p,
 * so every window that closes finds its ticks in its own panes. A tick whose base pane was already
 * rolled up (late for the finest interval) goes straight into the own panes of the intervals still
 * open for it and is late for the others. An interval whose pane length is not a multiple of B
 * takes every tick into its own panes, as it would alone.
 *
 * Arrival order is kept where ties need it: a base pane only ever holds ticks that arrived before
 * the ones added to its interval panes after the roll-up, and merging keeps the earlier open and
 * the later close on equal timestamps.
 */
export class WindowSet {
  /** In configuration order: bars, late ticks and snapshots follow it. */
  readonly intervals: readonly IntervalWindows[];
  readonly base = new PaneRing();
  readonly basePaneMs: number;
  private readonly sharing: readonly IntervalWindows[];
  private readonly direct: readonly IntervalWindows[];
  /** The base pane of the previous tick, its time range and roll-up point (ticks mostly come in order). */
  private cachedStart = Number.NaN;
  private cachedEnd = Number.NaN;
  private cachedPane = 0;
  private cachedRollUpAt = 0;
  /** Lowest watermark at which `advance` has work (a roll-up or a window end): below it, it returns at once. */
  private nextEventAt = Number.NEGATIVE_INFINITY;
  /** The watermark W, as told by `advance`. */
  private w = Number.NEGATIVE_INFINITY;

  constructor(specs: readonly IntervalSpec[]) {
    const paneMs = specs.map((spec) => gcd(spec.sizeMs, spec.slideMs));
    this.basePaneMs = Math.min(...paneMs);
    this.intervals = specs.map((spec, i) =>
      paneMs[i]! % this.basePaneMs === 0
        ? new IntervalWindows(spec, { ring: this.base, ratio: paneMs[i]! / this.basePaneMs })
        : new IntervalWindows(spec),
    );
    this.sharing = this.intervals.filter((windows) => windows.base !== undefined);
    this.direct = this.intervals.filter((windows) => windows.base === undefined);
  }

  /**
   * Adds a tick under the current watermark to every interval with an open window for it; for each
   * interval without one, appends a late entry (in configuration order).
   */
  add(tick: Tick, late: LateTick[]): void {
    // The per-tick path: kept small so the engine inlines it, and it takes no number arguments,
    // which a call that is not inlined would box (an allocation per tick).
    const w = this.w;
    const ts = tick.ts;
    if (!(ts >= this.cachedStart && ts < this.cachedEnd)) this.locate(ts);
    const rollUpAt = this.cachedRollUpAt;
    if (w >= rollUpAt) {
      this.addAfterRollUp(tick, w, late);
      return;
    }
    this.base.add(this.cachedPane, ts, tick.price, tick.size);
    if (rollUpAt < this.nextEventAt) this.nextEventAt = rollUpAt;
    if (this.direct.length !== 0) this.addDirect(tick, w, late);
  }

  /**
   * The watermark rose to `w`: rolls up the base panes that a closing window needs, then emits the
   * bars of the windows that closed, interval by interval, each in window order.
   */
  advance(w: number, symbol: string, out: Bar[]): void {
    const before = this.w;
    this.w = w;
    if (w >= this.nextEventAt) this.rollUpAndClose(before, w, symbol, out);
  }

  private rollUpAndClose(wBefore: number, w: number, symbol: string, out: Bar[]): void {
    this.rollUp(w);
    for (const windows of this.intervals) windows.close(wBefore, w, symbol, out);
    this.nextEventAt = this.firstEvent();
  }

  /** The lowest watermark with work for `advance`: the next roll-up or the next window end. */
  private firstEvent(): number {
    let next = this.base.isEmpty ? Number.POSITIVE_INFINITY : this.rollUpAt(this.base.low);
    for (const windows of this.intervals) next = Math.min(next, windows.nextWindowEnd);
    return next;
  }

  /** Bars of the open windows (end > W) that got ticks: interval by interval, each in window order. */
  forming(symbol: string, out: Bar[]): void {
    for (const windows of this.intervals) windows.forming(this.w, symbol, out);
  }

  /** End of the earliest open window holding a tick, +Infinity when none: a lower watermark closes no bar. */
  nextCloseWithTicks(): number {
    let end = Number.POSITIVE_INFINITY;
    for (const windows of this.intervals) end = Math.min(end, windows.earliestOpenWindowEnd(this.w));
    return end;
  }

  /** End of the latest window holding a tick, -Infinity when none. */
  latestWindowEnd(): number {
    let end = Number.NEGATIVE_INFINITY;
    for (const windows of this.intervals) end = Math.max(end, windows.latestWindowEnd());
    return end;
  }

  /** The held base panes, then each interval's own panes, as plain numbers for a snapshot. */
  panes(): { base: PaneList; intervals: PaneList[] } {
    return {
      base: listPanes(this.base),
      intervals: this.intervals.map((windows) => listPanes(windows.panes)),
    };
  }

  /**
   * Loads panes taken by `panes()` (or a version-1 snapshot's interval panes, with no base panes)
   * into an empty set, and aligns it with the watermark `w` they were taken under.
   */
  restore(
    base: readonly (readonly number[])[],
    intervals: readonly (readonly (readonly number[])[])[],
    w: number,
  ) {
    for (const [p, ...fields] of base) this.base.load(p!, fields);
    intervals.forEach((panes, i) => {
      const windows = this.intervals[i]!;
      for (const [p, ...fields] of panes) windows.panes.load(p!, fields);
      windows.resetWatermark(w);
    });
    this.nextEventAt = this.firstEvent();
    this.w = w;
  }

  private locate(ts: number): void {
    const p = Math.floor(ts / this.basePaneMs);
    this.cachedPane = p;
    this.cachedStart = p * this.basePaneMs;
    this.cachedEnd = this.cachedStart + this.basePaneMs;
    this.cachedRollUpAt = this.rollUpAt(p);
  }

  /** The watermark at which base pane p is rolled up: the end of the first window holding it. */
  private rollUpAt(p: number): number {
    let at = Number.POSITIVE_INFINITY;
    for (const windows of this.sharing) {
      at = Math.min(at, windows.firstWindowEndOf(Math.floor(p / windows.base!.ratio)));
    }
    return at;
  }

  /** The intervals that keep their own panes take the tick too. */
  private addDirect(tick: Tick, w: number, late: LateTick[]): void {
    for (const windows of this.direct) {
      if (!windows.add(tick.ts, tick.price, tick.size, w))
        late.push({ tick, interval: windows.label, watermark: w });
    }
  }

  /** A tick in a base pane already rolled up: each sharing interval takes it in its own pane or reports it late. */
  private addAfterRollUp(tick: Tick, w: number, late: LateTick[]): void {
    const p = this.cachedPane;
    for (const windows of this.intervals) {
      const base = windows.base;
      let added: boolean;
      if (base === undefined) {
        added = windows.add(tick.ts, tick.price, tick.size, w);
      } else {
        const q = Math.floor(p / base.ratio);
        added = windows.lastWindowEndOf(q) > w;
        if (added) windows.panes.add(q, tick.ts, tick.price, tick.size);
      }
      if (!added) late.push({ tick, interval: windows.label, watermark: w });
    }
  }

  /** Merges every base pane with `rollUpAt(p) ≤ w` into the sharing intervals' own panes, then drops it. */
  private rollUp(w: number): void {
    const base = this.base;
    if (base.isEmpty) return;
    // p is rolled up when, for some sharing interval, a window holding it is closed under w.
    let through = Number.NEGATIVE_INFINITY;
    for (const windows of this.sharing) {
      through = Math.max(through, (windows.lastPaneOfClosedWindows(w) + 1) * windows.base!.ratio - 1);
    }
    if (through < base.low) return;
    const stop = Math.min(through, base.high);
    for (let p = base.low; p <= stop; p++) {
      const offset = base.offsetOf(p);
      if (offset < 0) continue;
      for (const windows of this.sharing) {
        windows.panes.merge(Math.floor(p / windows.base!.ratio), base.accumulators, offset);
      }
    }
    base.evictThrough(through);
  }
}

function listPanes(ring: PaneRing): PaneList {
  return ring.heldPanes().map((p) => {
    const offset = ring.offsetOf(p);
    return [p, ...ring.accumulators.subarray(offset, offset + OHLCV_FIELDS)];
  });
}
