import { InvalidSnapshotError } from './errors.js';
import { OHLCV_FIELDS } from './ohlcv.js';

/**
 * The state of one symbol's aggregator as plain JSON, small enough for a DynamoDB item: the
 * watermark, the trade ids inside the dedup horizon, and per interval only the panes of windows
 * still open (one accumulator per open tumbling window; panes of gcd(size, slide) for sliding ones).
 * Outputs are not part of it: they must be drained before a snapshot is taken.
 */
export interface SymbolSnapshot {
  readonly v: 1;
  readonly symbol: string;
  /** Max event time of the symbol's valid ticks; null before the first tick. */
  readonly maxTs: number | null;
  /** Current watermark; null before the first tick. */
  readonly watermark: number | null;
  /** Processing time of the last apply that recorded one; null when not tracked. */
  readonly lastArrivalMs: number | null;
  /** `[id, largest ts seen with it]` for ids inside the dedup horizon, sorted by id. */
  readonly dedup: readonly (readonly [string, number])[];
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
  if (snapshot?.v !== 1) fail(`unknown snapshot version ${String(snapshot?.v)}`);
  if (typeof snapshot.symbol !== 'string') fail('symbol is missing');
  for (const key of ['maxTs', 'watermark', 'lastArrivalMs'] as const) {
    const value = snapshot[key];
    if (value !== null && !Number.isFinite(value)) fail(`${key} must be a number or null`);
  }
  if (!Array.isArray(snapshot.dedup)) fail('dedup must be an array');
  const snapshotLabels = Array.isArray(snapshot.intervals) ? snapshot.intervals.map((i) => i.label) : [];
  if (snapshotLabels.join(',') !== labels.join(',')) {
    fail(`it holds intervals [${snapshotLabels}] but the config has [${labels}]`);
  }
  for (const interval of snapshot.intervals) {
    for (const pane of interval.panes) {
      if (!Array.isArray(pane) || pane.length !== OHLCV_FIELDS + 1 || !pane.every(Number.isFinite)) {
        fail(`interval ${interval.label} holds a malformed pane`);
      }
    }
  }
}
