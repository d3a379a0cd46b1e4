/**
 * Picks symbol ranks with Zipf-like skew: rank k (0-based) has weight 1/(k+1)^s, so a few symbols
 * get most of the ticks, as on real venues. Sampling is a binary search over cumulative weights.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(count: number, exponent: number) {
    this.cumulative = new Float64Array(count);
    let total = 0;
    for (let k = 0; k < count; k++) {
      total += 1 / (k + 1) ** exponent;
      this.cumulative[k] = total;
    }
    for (let k = 0; k < count; k++) this.cumulative[k]! /= total;
  }

  /** The probability of rank k. */
  weight(k: number): number {
    return this.cumulative[k]! - (k > 0 ? this.cumulative[k - 1]! : 0);
  }

  /** The rank for a uniform draw `u` in [0, 1). */
  sample(u: number): number {
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < this.cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
