import { WARMUP_ROWS } from '../constants.js';
import { type FeatureFrame, sliceFrame } from '../feature-frame.js';
import { countFilled } from '../grid/bar-grid.js';
import { assertPeriod } from '../indicators/rolling-sum.js';

/** A frame without its warm-up head, and what was dropped (for the manifest). */
export interface WarmedFrame {
  readonly frame: FeatureFrame;
  /** Rows dropped: min(warm-up, grid length). */
  readonly warmupRows: number;
  /** Filled rows among the dropped ones. */
  readonly warmupFilledRows: number;
}

/**
 * Drops the first `warmupRows` (default 60) rows of a symbol's frame, where the long windows are
 * not yet defined. A grid shorter than that loses every row. The kept rows are views, not copies.
 */
export function dropWarmup(frame: FeatureFrame, warmupRows = WARMUP_ROWS): WarmedFrame {
  assertPeriod('warmupRows', warmupRows, 0);
  const dropped = Math.min(warmupRows, frame.grid.length);
  const head = sliceFrame(frame, 0, dropped);
  return {
    frame: sliceFrame(frame, dropped, frame.grid.length),
    warmupRows: dropped,
    warmupFilledRows: countFilled(head.grid),
  };
}
