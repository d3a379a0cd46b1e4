import type { FeatureFrame } from '../../domain/features/index.js';
import type { LakeColumns, LakeValue } from '../../lake/index.js';

/**
 * A frame's rows as columns of `featuresSchema(FEATURE_NAMES)`: typed arrays pass through, NaN
 * (the domain's null) becomes a real null, `filled` becomes booleans. One symbol at a time.
 */
export function featureColumns(frame: FeatureFrame): LakeColumns {
  const g = frame.grid;
  const columns: Record<string, ArrayLike<LakeValue>> = {
    window_start: g.windowStart,
    window_end: g.windowEnd,
    open: g.open,
    high: g.high,
    low: g.low,
    close: g.close,
    volume: g.volume,
    vwap: withNulls(g.vwap),
    trade_count: g.tradeCount,
    filled: Array.from(g.filled, (f) => f === 1),
  };
  for (const [name, column] of Object.entries(frame.features)) columns[name] = withNulls(column);
  return columns;
}

/** The column itself when it has no NaN, else a copy with null in place of NaN. */
function withNulls(column: Float64Array): ArrayLike<number | null> {
  if (!column.some(Number.isNaN)) return column;
  return Array.from(column, (x) => (Number.isNaN(x) ? null : x));
}
