import { emptyUsage, type Usage, type UsageKey } from '../../cost/index.js';

/**
 * Counts billable units where requests are made (SDK middleware, the CQL serving store, the local
 * event source mapping). Adding is a property increment, so metering stays off the hot path's
 * profile. S3 objects are tracked by key so that rewrites and deletes leave the bytes actually stored.
 */
export class UsageMeter {
  private readonly usage: Usage = emptyUsage();
  private readonly objects = new Map<string, number>();

  add(key: UsageKey, units = 1): void {
    this.usage[key] += units;
  }

  /** An object of `bytes` now stored under `bucket/key` (replacing any earlier one). */
  stored(objectKey: string, bytes: number): void {
    this.objects.set(objectKey, bytes);
  }

  deleted(objectKey: string): void {
    this.objects.delete(objectKey);
  }

  /** What was counted so far, with the S3 bytes stored now. */
  snapshot(): Usage {
    let stored = 0;
    for (const bytes of this.objects.values()) stored += bytes;
    return { ...this.usage, 's3.storedBytes': stored };
  }
}

/**
 * The meter of this process, used by every client the factories of `aws-clients.ts` create unless
 * they are given another one (a local run gives each run its own).
 */
export const processUsageMeter = new UsageMeter();
