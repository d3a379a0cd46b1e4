/**
 * `2^k − 1` for the smallest power of two `2^k ≥ size`: a ring buffer of `mask + 1` slots holds the
 * last `size` rows, row k at slot `k & mask` (a mask, not a modulo, on the per-row hot path).
 */
export function ringMask(size: number): number {
  let capacity = 1;
  while (capacity < size) capacity *= 2;
  return capacity - 1;
}
