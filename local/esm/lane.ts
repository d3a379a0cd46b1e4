import type { DeliverableRecord } from './events.js';
import type { PlannedBatch } from './retry-policy.js';

/**
 * One ordered sub-stream of a shard. With a parallelization factor N, a shard has N lanes and every
 * partition key hashes to one of them: a lane delivers one batch at a time, so records of one key are
 * never in two in-flight batches and arrive in sequence order, while the N lanes run concurrently.
 */
export class Lane {
  private records: DeliverableRecord[] = [];
  private head = 0;
  /** Batches to cut from the head next (bisected halves, retries); empty means "a fresh batch". */
  plan: PlannedBatch[] = [];
  running = false;
  private wake: (() => void) | undefined;

  constructor(readonly index: number) {}

  get length(): number {
    return this.records.length - this.head;
  }

  /** The records from the head, `count` of them, without removing them. */
  peek(count: number): DeliverableRecord[] {
    return this.records.slice(this.head, this.head + count);
  }

  /** Direct view for size calculations: the backing array and the head offset. */
  view(): { readonly records: readonly DeliverableRecord[]; readonly start: number } {
    return { records: this.records, start: this.head };
  }

  oldest(): DeliverableRecord | undefined {
    return this.records[this.head];
  }

  push(record: DeliverableRecord): void {
    this.records.push(record);
  }

  /** Removes `count` records from the head (checkpointed or discarded). */
  advance(count: number): void {
    if (count === 0) return;
    this.head += count;
    if (this.head >= 4096 && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  /** Wakes a lane waiting for its batching window to fill. */
  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves after `ms`, or earlier when records arrive or the runner stops. */
  waitForRecords(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** Stable FNV-1a hash of a partition key onto `lanes` lanes. */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}
