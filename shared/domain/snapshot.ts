import { InvalidSnapshotError } from './errors.js';
import { OHLCV_FIELDS } from './ohlcv.js';

/**
 * The state of one symbol's aggregator as plain JSON, bounded whatever the tick rate: the
 * watermark, the base panes shared by the intervals (see `WindowSet`) and per interval only its own
 * panes of windows still open. The trade ids inside the dedup horizon are not part of it (they grow
 * with the rate): they are kept beside it as `SeenIds` (`SymbolAggregator.seenIds`) and handed back
 * to `SymbolAggregator.restore`. Outputs are not part of it either: they must be drained first.
 *
 * Versions 1 (before base panes) and 2 (ids inline) are still read: version 1's interval panes
 * hold everything, which restores the same bars; version 2's ids are restored with the others.
 */
export type SymbolSnapshot = SymbolSnapshotV3 | SymbolSnapshotV2 | SymbolSnapshotV1;

/** `[trade id, largest ts seen with it]` sightings, the dedup index's content. */
export type SeenIds = readonly (readonly [string, number])[];

export interface SymbolSnapshotV3 extends SnapshotCommon {
  readonly v: 3;
  /**
   * `[pane, …fields]` per held base pane, ascending; base panes are as long as the shortest pane of
   * the intervals and hold the ticks not yet rolled up into the intervals' own panes.
   */
  readonly basePanes: readonly (readonly number[])[];
}

export interface SymbolSnapshotV2 extends SnapshotCommon {
  readonly v: 2;
  readonly basePanes: readonly (readonly number[])[];
  /** `[id, largest ts seen with it]` for ids inside the dedup horizon, sorted by id. */
  readonly dedup: SeenIds;
}

export interface SymbolSnapshotV1 extends SnapshotCommon {
  readonly v: 1;
  readonly dedup: SeenIds;
}

interface SnapshotCommon {
  readonly symbol: string;
  /** Max event time of the symbol's valid ticks; null before the first tick. */
  readonly maxTs: number | null;
  /** Current watermark; null before the first tick. */
  readonly watermark: number | null;
  /** Processing time of the last apply that recorded one; null when not tracked. */
  readonly lastArrivalMs: number | null;
  readonly intervals: readonly IntervalSnapshot[];
}

export interface IntervalSnapshot {
  readonly label: string;
  /**
   * `[pane, count, volume, Σprice·size, high, low, openTs, open, closeTs, close]` per held pane,
   * ascending by pane number (pane p covers [p·gcd(size, slide), (p+1)·gcd(size, slide))).
   */
  readonly panes: readonly (readonly number[])[];
}

/** Checks the shape of a snapshot read back from storage before it is trusted. */
export function assertSnapshotShape(snapshot: SymbolSnapshot, labels: readonly string[]): void {
  const fail = (reason: string): never => {
    throw new InvalidSnapshotError(String(snapshot?.symbol), reason);
  };
  const version: unknown = snapshot?.v;
  if (version !== 1 && version !== 2 && version !== 3) fail(`unknown snapshot version ${String(version)}`);
  if (typeof snapshot.symbol !== 'string') fail('symbol is missing');
  for (const key of ['maxTs', 'watermark', 'lastArrivalMs'] as const) {
    const value = snapshot[key];
    if (value !== null && !Number.isFinite(value)) fail(`${key} must be a number or null`);
  }
  if (snapshot.v !== 3 && !Array.isArray(snapshot.dedup)) fail('dedup must be an array');
  const snapshotLabels = Array.isArray(snapshot.intervals) ? snapshot.intervals.map((i) => i.label) : [];
  if (snapshotLabels.join(',') !== labels.join(',')) {
    fail(`it holds intervals [${snapshotLabels}] but the config has [${labels}]`);
  }
  const wellFormed = (panes: unknown) =>
    Array.isArray(panes) &&
    panes.every(
      (pane) => Array.isArray(pane) && pane.length === OHLCV_FIELDS + 1 && pane.every(Number.isFinite),
    );
  for (const interval of snapshot.intervals) {
    if (!wellFormed(interval.panes)) fail(`interval ${interval.label} holds a malformed pane`);
  }
  if (snapshot.v !== 1 && !wellFormed(snapshot.basePanes)) fail('basePanes holds a malformed pane');
}
