/**
 * Athena's price for a query (engine 3, on-demand): $5 per TB scanned, each query rounded up to the
 * next megabyte with a 10 MB minimum (https://aws.amazon.com/athena/pricing/). Sizes are binary, as
 * AWS bills storage and transfer: 1 MB = 2^20 bytes, 1 TB = 2^40 bytes.
 */

export const ATHENA_USD_PER_TB = 5;
export const ATHENA_MIN_BILLED_BYTES = 10 * 2 ** 20;
const MB = 2 ** 20;
const TB = 2 ** 40;

/** Bytes Athena bills for a query that scanned `scannedBytes`. */
export function athenaBilledBytes(scannedBytes: number): number {
  return Math.max(ATHENA_MIN_BILLED_BYTES, Math.ceil(Math.max(0, scannedBytes) / MB) * MB);
}

/**
 * Estimated charge in US dollars.
 * @example athenaQueryCostUsd(0) === 10 * 2 ** 20 / 2 ** 40 * 5 // ≈ $0.0000477, the 10 MB minimum
 */
export function athenaQueryCostUsd(scannedBytes: number): number {
  return (athenaBilledBytes(scannedBytes) / TB) * ATHENA_USD_PER_TB;
}
