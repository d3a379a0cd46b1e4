import type { IntervalSpec } from './intervals.js';
import { COUNT, mergeOhlcv, OHLCV_FIELDS, toBar } from './ohlcv.js';
import { PaneRing } from './pane-ring.js';
import type { Bar } from './types.js';

/** The shared base panes an interval reads besides its own, `ratio` base panes per pane of its own. */
export interface BaseLink {
  readonly ring: PaneRing;
  readonly ratio: number;
}

/**
 * The windows of one interval for one symbol. Ticks go into panes of gcd(size, slide) ms, so a
 * tick costs one pane update however many sliding windows hold it; a window's bar is the merge of
 * its size/pane panes, built only when it closes or is shown as forming. For a tumbling interval a
 * pane is the window itself.
 *
 * With a `BaseLink` (see `WindowSet`) the interval's recent ticks sit in finer base panes shared
 * with other intervals: a pane of its own is then its own accumulator merged with the base panes
 * inside it, and `WindowSet` rolls base panes up into it before any window holding them closes.
 */
export class IntervalWindows {
  readonly label: string;
  readonly panes = new PaneRing();
  readonly sizeMs: number;
  readonly slideMs: number;
  readonly paneMs: number;
  private readonly panesPerWindow: number;
  private readonly panesPerSlide: number;
  /** End of the earliest window not closed yet (as far as the watermark knows); closing below it is a no-op. */
  private nextCloseEnd = Number.NEGATIVE_INFINITY;
  private readonly scratch = new Float64Array(OHLCV_FIELDS);
  /**
   * The pane of the previous tick, its time range and its last window's end: ticks mostly arrive
   * in order, so the next one usually falls in the same pane and needs no division. NaN until used.
   */
  private cachedPaneStart = Number.NaN;
  private cachedPaneEnd = Number.NaN;
  private cachedPane = 0;
  private cachedLastWindowEnd = 0;

  constructor(
    spec: IntervalSpec,
    readonly base?: BaseLink,
  ) {
    this.label = spec.label;
    this.sizeMs = spec.sizeMs;
    this.slideMs = spec.slideMs;
    this.paneMs = gcd(spec.sizeMs, spec.slideMs);
    this.panesPerWindow = spec.sizeMs / this.paneMs;
    this.panesPerSlide = spec.slideMs / this.paneMs;
  }

  /**
   * Adds a tick to its open windows under watermark `w`. Returns false, adding nothing, when every
   * window holding the tick has `window_end ≤ w`: the tick is late for this interval.
   */
  add(ts: number, price: number, size: number, w: number): boolean {
    if (!(ts >= this.cachedPaneStart && ts < this.cachedPaneEnd)) this.locatePane(ts);
    if (this.cachedLastWindowEnd <= w) return false;
    this.panes.add(this.cachedPane, ts, price, size);
    return true;
  }

  /** Earliest window end this interval can close next: a watermark below it closes nothing here. */
  get nextWindowEnd(): number {
    return this.nextCloseEnd;
  }

  /** End of the last window holding pane q: once the watermark reaches it, a tick in q is late here. */
  lastWindowEndOf(q: number): number {
    return Math.floor(q / this.panesPerSlide) * this.slideMs + this.sizeMs;
  }

  /** End of the first window holding pane q: pane q must be complete when the watermark reaches it. */
  firstWindowEndOf(q: number): number {
    return this.firstWindowHolding(q) * this.slideMs + this.sizeMs;
  }

  /** The last pane that is in some window with end ≤ w (a window that is closed under w). */
  lastPaneOfClosedWindows(w: number): number {
    return (this.firstOpenWindow(w) - 1) * this.panesPerSlide + this.panesPerWindow - 1;
  }

  /**
   * Emits, in window order, the bar of every window that got ticks and whose end is in
   * (wBefore, w], then drops the panes no open window needs.
   */
  close(wBefore: number, w: number, symbol: string, out: Bar[]): void {
    if (w < this.nextCloseEnd) return;
    const lastClosed = Math.floor((w - this.sizeMs) / this.slideMs);
    this.nextCloseEnd = (lastClosed + 1) * this.slideMs + this.sizeMs;
    if (this.isEmpty()) return;
    const first = Math.max(this.firstWindowHolding(this.lowPane()), this.firstOpenWindow(wBefore));
    const last = Math.min(Math.floor(this.highPane() / this.panesPerSlide), lastClosed);
    for (let k = first; k <= last; k++) this.emitWindow(k, symbol, out);
    this.panes.evictThrough((lastClosed + 1) * this.panesPerSlide - 1);
  }

  /** Bars of the open windows (end > w) that got ticks, in window order. */
  forming(w: number, symbol: string, out: Bar[]): void {
    if (this.isEmpty()) return;
    const first = Math.max(this.firstWindowHolding(this.lowPane()), this.firstOpenWindow(w));
    const last = Math.floor(this.highPane() / this.panesPerSlide);
    for (let k = first; k <= last; k++) this.emitWindow(k, symbol, out);
  }

  /** End of the earliest window with end > w that may hold a tick, +Infinity when none. */
  earliestOpenWindowEnd(w: number): number {
    if (this.isEmpty()) return Number.POSITIVE_INFINITY;
    const first = Math.max(this.firstWindowHolding(this.lowPane()), this.firstOpenWindow(w));
    return first * this.slideMs + this.sizeMs;
  }

  /** End of the latest window holding a tick, -Infinity when none: a watermark there closes them all. */
  latestWindowEnd(): number {
    if (this.isEmpty()) return Number.NEGATIVE_INFINITY;
    return this.lastWindowEndOf(this.highPane());
  }

  /** Re-aligns the close pointer with a restored watermark. */
  resetWatermark(w: number): void {
    this.nextCloseEnd =
      w === Number.NEGATIVE_INFINITY
        ? w
        : (Math.floor((w - this.sizeMs) / this.slideMs) + 1) * this.slideMs + this.sizeMs;
  }

  private isEmpty(): boolean {
    return this.panes.isEmpty && (this.base === undefined || this.base.ring.isEmpty);
  }

  /** Lowest pane of this interval that may hold ticks, its own or in base panes. */
  private lowPane(): number {
    const base = this.base;
    if (base === undefined || base.ring.isEmpty) return this.panes.low;
    return Math.min(this.panes.low, Math.floor(base.ring.low / base.ratio));
  }

  private highPane(): number {
    const base = this.base;
    if (base === undefined || base.ring.isEmpty) return this.panes.high;
    return Math.max(this.panes.high, Math.floor(base.ring.high / base.ratio));
  }

  private locatePane(ts: number): void {
    const p = Math.floor(ts / this.paneMs);
    this.cachedPane = p;
    this.cachedPaneStart = p * this.paneMs;
    this.cachedPaneEnd = this.cachedPaneStart + this.paneMs;
    this.cachedLastWindowEnd = this.lastWindowEndOf(p);
  }

  /**
   * Builds window k from its panes in time order; within a pane its own accumulator comes first,
   * as it holds the earlier arrivals of any base pane that is in both (after a version-1 restore).
   */
  private emitWindow(k: number, symbol: string, out: Bar[]): void {
    const acc = this.scratch;
    acc[COUNT] = 0;
    const firstPane = k * this.panesPerSlide;
    const base = this.base;
    for (let q = firstPane; q < firstPane + this.panesPerWindow; q++) {
      const offset = this.panes.offsetOf(q);
      if (offset >= 0) mergeOhlcv(acc, 0, this.panes.accumulators, offset);
      if (base === undefined || base.ring.isEmpty) continue;
      const ring = base.ring;
      const stop = Math.min((q + 1) * base.ratio - 1, ring.high);
      for (let p = Math.max(q * base.ratio, ring.low); p <= stop; p++) {
        const baseOffset = ring.offsetOf(p);
        if (baseOffset >= 0) mergeOhlcv(acc, 0, ring.accumulators, baseOffset);
      }
    }
    if (acc[COUNT] === 0) return;
    const start = k * this.slideMs;
    out.push(toBar(acc, 0, symbol, this.label, start, start + this.sizeMs));
  }

  /** Smallest window number whose panes include pane p. */
  private firstWindowHolding(p: number): number {
    return Math.ceil((p - this.panesPerWindow + 1) / this.panesPerSlide);
  }

  /** Smallest window number with end > w. */
  private firstOpenWindow(w: number): number {
    return Math.floor((w - this.sizeMs) / this.slideMs) + 1;
  }
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
