/**
 * Lambda's billing units (aws.amazon.com/lambda/pricing/): one request per invocation, and duration
 * rounded up to the next millisecond times the configured memory, in GB-seconds (1 GB = 1,024 MB).
 * The price per GB-second depends on the architecture (Arm is cheaper than x86).
 */

/** GB-seconds of one invocation of `durationMs` at `memoryMb`. */
export function gbSeconds(durationMs: number, memoryMb: number): number {
  return (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
}
