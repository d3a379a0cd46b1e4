/**
 * Kinesis sequence numbers are decimal strings of up to 128 bits, increasing within a shard.
 * They are compared numerically without BigInt parsing on the hot path: a longer string is larger.
 */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
