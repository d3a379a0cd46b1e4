/** Row-wise shape of a bar. All three are defined on every row, filled rows included (0 there). */
export interface PriceShape {
  /** `spread = high − low` */
  readonly spread: Float64Array;
  /** `change = close − open` */
  readonly change: Float64Array;
  /** `log_range = ln(high / low)` */
  readonly logRange: Float64Array;
}

/** Computes spread, change and log_range for every row (docs/features.md#features), into `out` when given. */
export function priceShape(
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  out?: PriceShape,
): PriceShape {
  const n = close.length;
  const { spread, change, logRange } = out ?? {
    spread: new Float64Array(n),
    change: new Float64Array(n),
    logRange: new Float64Array(n),
  };
  for (let t = 0; t < n; t++) {
    const h = high[t]!;
    const l = low[t]!;
    spread[t] = h - l;
    change[t] = close[t]! - open[t]!;
    // A filled (flat) row has high = low: its log range is exactly 0, no logarithm needed.
    logRange[t] = h === l ? 0 : Math.log(h / l);
  }
  return { spread, change, logRange };
}
