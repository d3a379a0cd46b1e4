/** Row-wise shape of a bar. All three are defined on every row, filled rows included (0 there). */
export interface PriceShape {
  /** `spread = high − low` */
  readonly spread: Float64Array;
  /** `change = close − open` */
  readonly change: Float64Array;
  /** `log_range = ln(high / low)` */
  readonly logRange: Float64Array;
}

/** Computes spread, change and log_range for every row (BRIEF §4). */
export function priceShape(
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
): PriceShape {
  const n = close.length;
  const spread = new Float64Array(n);
  const change = new Float64Array(n);
  const logRange = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    spread[t] = high[t]! - low[t]!;
    change[t] = close[t]! - open[t]!;
    logRange[t] = Math.log(high[t]! / low[t]!);
  }
  return { spread, change, logRange };
}
