import { type AggregatorConfig, aggregatorConfig, validateAggregatorConfig } from './aggregator-config.js';
import { DedupIndex } from './dedup.js';
import {
  InvalidSnapshotError,
  PendingOutputsError,
  SymbolMismatchError,
  UnwritableSnapshotError,
} from './errors.js';
import { assertSnapshotShape, type SeenIds, type SymbolSnapshot, type SymbolSnapshotV3 } from './snapshot.js';
import type { Bar, LateTick, Tick } from './types.js';
import { WindowSet } from './window-set.js';

/** Everything the aggregator produced since the previous `drain()`. */
export interface AggregatorOutputs {
  /** Final bars, each emitted exactly once, in the order their windows closed. */
  readonly closed: Bar[];
  /** Valid ticks that reached no open window of an interval, one entry per (tick, interval). */
  readonly late: LateTick[];
  /** Ticks dropped as duplicates of an earlier trade id. */
  readonly duplicates: number;
  /** Valid ticks applied, duplicates included. */
  readonly ticks: number;
}

const NONE = Number.NEGATIVE_INFINITY;

/**
 * Event-time OHLCV aggregation of one symbol (docs/stream-contract.md): dedup by trade id, a watermark trailing
 * the max event time by the allowed lateness, windows closed exactly once when `window_end ≤ W`,
 * late ticks reported per interval. Feed ticks in arrival order with `apply`, take results with
 * `drain`, persist with `snapshot` and `seenIds` / `SymbolAggregator.restore`.
 *
 * @example
 * const agg = new SymbolAggregator('BTC-USD');
 * for (const tick of ticks) agg.apply(tick);
 * agg.flush();
 * const { closed, late, duplicates } = agg.drain();
 */
export class SymbolAggregator {
  readonly config: AggregatorConfig;
  private readonly windows: WindowSet;
  private dedup: DedupIndex;
  private maxTsValue = NONE;
  private watermarkValue = NONE;
  private lastArrivalMs: number | null = null;
  private readonly allowedLatenessMs: number;
  private closed: Bar[] = [];
  private late: LateTick[] = [];
  private duplicates = 0;
  private ticks = 0;

  constructor(
    readonly symbol: string,
    config: AggregatorConfig = aggregatorConfig(),
  ) {
    validateAggregatorConfig(config);
    this.config = config;
    this.allowedLatenessMs = config.allowedLatenessMs;
    this.dedup = new DedupIndex(config.dedupHorizonMs);
    this.windows = new WindowSet(config.intervals);
  }

  /**
   * Applies one valid tick of this symbol. `processingTimeMs` (wall clock at arrival) is recorded
   * for `advanceIdle`; leave it out in replays.
   * @throws SymbolMismatchError when the tick belongs to another symbol.
   */
  apply(tick: Tick, processingTimeMs?: number): void {
    if (tick.symbol !== this.symbol) throw new SymbolMismatchError(this.symbol, tick.symbol);
    if (processingTimeMs !== undefined) this.lastArrivalMs = processingTimeMs;
    this.ticks++;
    const ts = tick.ts;
    const maxBefore = this.maxTsValue;
    const duplicate = this.dedup.observe(tick);
    if (ts > maxBefore) {
      this.maxTsValue = ts;
      this.dedup.advance(ts);
      // Raising W first is safe: every window holding a tick at the new max ts ends after ts − lateness.
      this.raiseWatermark(ts - this.allowedLatenessMs);
    }
    if (duplicate) {
      this.duplicates++;
      return;
    }
    this.windows.add(tick, this.late);
  }

  /**
   * Live mode: when no tick arrived for `idleTimeoutMs` of processing time, moves the watermark to
   * maxTs + (now − last arrival) − lateness (never lower), so a quiet symbol's bars still close.
   * Does nothing before a tick with a processing time was applied.
   */
  advanceIdle(nowProcessingMs: number, idleTimeoutMs: number): void {
    const w = this.idleCandidate(nowProcessingMs, idleTimeoutMs);
    if (w !== null) this.advanceWatermark(w);
  }

  /**
   * The watermark `advanceIdle` would move to now, when that closes at least one bar; null when the
   * symbol was active within `idleTimeoutMs`, no tick recorded a processing time, or no window
   * holding ticks would close. The idle flush publishes it as a `WatermarkMark` instead of applying
   * it, so the stream carries it to whichever instance processes the symbol.
   */
  idleWatermark(nowProcessingMs: number, idleTimeoutMs: number): number | null {
    const w = this.idleCandidate(nowProcessingMs, idleTimeoutMs);
    return w !== null && w >= this.windows.nextCloseWithTicks() ? w : null;
  }

  /** Raises the watermark to `w` (never lowers it), closing the windows that end at or before it. */
  advanceWatermark(w: number): void {
    this.raiseWatermark(w);
  }

  /** End of a replay: closes every open window by raising the watermark past the latest one. */
  flush(): void {
    this.raiseWatermark(this.windows.latestWindowEnd());
  }

  /** Takes the outputs accumulated since the previous call. */
  drain(): AggregatorOutputs {
    const outputs = { closed: this.closed, late: this.late, duplicates: this.duplicates, ticks: this.ticks };
    this.closed = [];
    this.late = [];
    this.duplicates = 0;
    this.ticks = 0;
    return outputs;
  }

  /** Current bars of the open windows that got ticks (`is_final = false` in the serving store). */
  forming(): Bar[] {
    const bars: Bar[] = [];
    this.windows.forming(this.symbol, bars);
    return bars;
  }

  /** The watermark W: windows with `window_end ≤ W` are closed. Null before the first tick. */
  get watermark(): number | null {
    return this.watermarkValue === NONE ? null : this.watermarkValue;
  }

  /** Max event time of the valid ticks applied (duplicates and late ticks included). Null before the first. */
  get maxTs(): number | null {
    return this.maxTsValue === NONE ? null : this.maxTsValue;
  }

  /** Event time from which trade-id sightings still matter (max event time − dedup horizon); null before the first tick. */
  get seenIdsFrom(): number | null {
    return this.maxTsValue === NONE ? null : this.dedup.from;
  }

  /**
   * The state as plain, deterministic JSON for the state table, checked as `restore` checks it;
   * bounded by the intervals and the lateness, not by the tick rate (the trade ids are in `seenIds()`).
   * @throws PendingOutputsError when outputs were not drained: they are not part of the state.
   * @throws UnwritableSnapshotError when it holds a number JSON cannot carry (restore would refuse it).
   */
  snapshot(): SymbolSnapshotV3 {
    if (this.closed.length > 0 || this.late.length > 0 || this.duplicates > 0 || this.ticks > 0) {
      throw new PendingOutputsError(
        this.symbol,
        this.closed.length,
        this.late.length,
        this.duplicates,
        this.ticks,
      );
    }
    const panes = this.windows.panes();
    const snapshot: SymbolSnapshotV3 = {
      v: 3,
      symbol: this.symbol,
      maxTs: this.maxTs,
      watermark: this.watermark,
      lastArrivalMs: this.lastArrivalMs,
      basePanes: panes.base,
      intervals: this.windows.intervals.map((interval, i) => ({
        label: interval.label,
        panes: panes.intervals[i]!,
      })),
    };
    // The reader's own check: whatever is written can be restored (docs/stream-contract.md, "Hostile input").
    try {
      assertSnapshotShape(
        snapshot,
        this.config.intervals.map((spec) => spec.label),
      );
    } catch (err) {
      if (err instanceof InvalidSnapshotError) throw new UnwritableSnapshotError(this.symbol, err.reason);
      throw err;
    }
    return snapshot;
  }

  /** The trade ids inside the dedup horizon with the largest ts seen with each, sorted by id. */
  seenIds(): [string, number][] {
    return this.dedup.live();
  }

  /**
   * An aggregator that continues exactly where the one that took `snapshot` stopped, given the
   * trade-id sightings it had (`seenIds()`, or every `[id, ts]` of the valid ticks it applied:
   * repeats and sightings outside the horizon are harmless).
   * @throws InvalidSnapshotError when the snapshot is malformed or its intervals differ from the config's.
   */
  static restore(
    config: AggregatorConfig,
    snapshot: SymbolSnapshot,
    seenIds: SeenIds = [],
  ): SymbolAggregator {
    assertSnapshotShape(
      snapshot,
      config.intervals.map((spec) => spec.label),
    );
    const aggregator = new SymbolAggregator(snapshot.symbol, config);
    aggregator.maxTsValue = snapshot.maxTs ?? NONE;
    aggregator.watermarkValue = snapshot.watermark ?? NONE;
    aggregator.lastArrivalMs = snapshot.lastArrivalMs;
    const sightings = snapshot.v === 3 ? seenIds : [...snapshot.dedup, ...seenIds];
    aggregator.dedup = DedupIndex.from(sightings, config.dedupHorizonMs, aggregator.maxTsValue);
    aggregator.windows.restore(
      snapshot.v === 1 ? [] : snapshot.basePanes,
      snapshot.intervals.map((interval) => interval.panes),
      aggregator.watermarkValue,
    );
    return aggregator;
  }

  private idleCandidate(nowProcessingMs: number, idleTimeoutMs: number): number | null {
    if (this.lastArrivalMs === null || this.maxTsValue === NONE) return null;
    const quietMs = nowProcessingMs - this.lastArrivalMs;
    return quietMs < idleTimeoutMs ? null : this.maxTsValue + quietMs - this.allowedLatenessMs;
  }

  private raiseWatermark(candidate: number): void {
    if (candidate <= this.watermarkValue) return;
    this.watermarkValue = candidate;
    this.windows.advance(candidate, this.symbol, this.closed);
  }
}
