import { assertPeriod } from './rolling-sum.js';

/**
 * `volatility_w[t]` = sample standard deviation (divisor w − 1) of the last `window` log returns
 * including t. Log returns start at row 1, so the first defined row is `t = window`; earlier rows
 * are NaN (null). `window` must be ≥ 2.
 *
 * Numerically sound in O(1) per row: the window is a queue made of two stacks, each holding
 * (mean, M2) aggregates built with Welford's update and merged with Chan et al.'s pairwise
 * formula, M2 = M2a + M2b + δ²·na·nb/n. Every term added to M2 is ≥ 0, so nothing cancels (unlike
 * Σx² − (Σx)²/n), and a window of identical values gives exactly 0.
 */
export function rollingVolatility(
  logReturn: Float64Array,
  window: number,
  out: Float64Array = new Float64Array(logReturn.length),
): Float64Array {
  assertPeriod('window', window, 2);
  const n = logReturn.length;
  out.fill(Number.NaN, 0, Math.min(window, n));
  // Front stack: suffix aggregates of rows [frontStart, frontEnd), row k at slot k − frontBase. A flip
  // holds up to window + 1 rows (the one about to leave included), hence one slot more than the window.
  const slots = window + 1;
  const frontMean = new Float64Array(slots);
  const frontM2 = new Float64Array(slots);
  let frontBase = 1;
  let frontStart = 1;
  let frontEnd = 1;
  // Back stack: one running aggregate of rows [frontEnd, t].
  let backCount = 0;
  let backMean = 0;
  let backM2 = 0;
  const divisor = window - 1;
  for (let t = 1; t < n; t++) {
    const x = logReturn[t]!;
    backCount++;
    const delta = x - backMean;
    backMean += delta / backCount;
    backM2 += delta * (x - backMean);
    if (t - frontStart + 1 > window) {
      if (frontStart === frontEnd) {
        // Flip: turn the back stack's rows into suffix aggregates, newest first.
        frontBase = frontEnd;
        let count = 0;
        let mean = 0;
        let m2 = 0;
        for (let k = t; k >= frontBase; k--) {
          const v = logReturn[k]!;
          count++;
          const d = v - mean;
          mean += d / count;
          m2 += d * (v - mean);
          frontMean[k - frontBase] = mean;
          frontM2[k - frontBase] = m2;
        }
        frontEnd = t + 1;
        backCount = 0;
        backMean = 0;
        backM2 = 0;
      }
      frontStart++;
    }
    if (t < window) continue;
    const frontCount = frontEnd - frontStart;
    let m2 = backM2;
    if (frontCount > 0) {
      const slot = frontStart - frontBase;
      const d = backMean - frontMean[slot]!;
      m2 += frontM2[slot]! + (d * d * frontCount * backCount) / (frontCount + backCount);
    }
    out[t] = Math.sqrt(m2 / divisor);
  }
  return out;
}
