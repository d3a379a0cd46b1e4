import { isTickObject, type ProducerRecord } from './types.js';

/** PutRecords limits (Kinesis API reference): sizes count the data blob plus the partition key. */
export const PUT_RECORDS_LIMITS = {
  maxRecords: 500,
  maxRequestBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
} as const;

/**
 * - `strict`: at most one Kinesis record per partition key in a request, and a key's next record
 *   only after the previous one was accepted. Per-key order holds even when PutRecords fails some
 *   entries and accepts later ones of the same request. Use packing for throughput on hot keys.
 * - `per-request`: a request may hold several records of one key; failed entries are still retried
 *   before any later record of their key is sent, but within one partially failed request a later
 *   record may land before an earlier failed one.
 */
export type OrderingMode = 'strict' | 'per-request';

/** One Kinesis record waiting to be put: a source record, or several ticks of one key packed as a JSON array. */
export interface PendingEntry {
  /** Arrival index of its first source record: the queue stays sorted by it. */
  readonly seq: number;
  readonly partitionKey: string;
  /** JSON text, raw text, or raw bytes put unchanged. */
  readonly data: string | Uint8Array;
  /** UTF-8 bytes of data + partition key, as Kinesis counts them. */
  readonly bytes: number;
  /** Source records inside (1, or the packed count). */
  readonly ticks: number;
  /** Whether more ticks may still be packed into it (an object payload never sent yet). */
  readonly packable: boolean;
  /** PutRecords attempts so far. */
  attempts: number;
}

/** A record that Kinesis can never accept: more than 1 MiB with its partition key. */
export class RecordTooLargeError extends Error {
  constructor(
    readonly partitionKey: string,
    readonly bytes: number,
  ) {
    super(`record of partition key "${partitionKey}" is ${bytes} bytes; Kinesis accepts at most 1 MiB`);
    this.name = 'RecordTooLargeError';
  }
}

const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).length;

/** The entry for one source record: objects as JSON, raw text unchanged. */
export function toPendingEntry(record: ProducerRecord, seq: number): PendingEntry {
  const packable = isTickObject(record.payload);
  const data = packable ? JSON.stringify(record.payload) : (record.payload as string | Uint8Array);
  const bytes = (typeof data === 'string' ? byteLength(data) : data.length) + byteLength(record.partitionKey);
  if (bytes > PUT_RECORDS_LIMITS.maxRecordBytes) throw new RecordTooLargeError(record.partitionKey, bytes);
  return {
    seq,
    partitionKey: record.partitionKey,
    data,
    bytes,
    ticks: 1,
    packable,
    attempts: 0,
  };
}

export interface RequestPlan {
  readonly ordering: OrderingMode;
  /** Ticks per Kinesis record (1 = no packing). */
  readonly maxTicksPerRecord: number;
  /** Records per request (≤ 500), lower when rate limiting wants smaller steps. */
  readonly maxRecords: number;
}

/**
 * Picks the next PutRecords request from `queue` (sorted by seq), packing consecutive ticks of a
 * key when asked, within the request limits and the ordering mode. Returns the request and the
 * entries left for later, still sorted. Pure.
 */
export function planRequest(
  queue: readonly PendingEntry[],
  plan: RequestPlan,
): { request: PendingEntry[]; rest: PendingEntry[] } {
  const byKey = new Map<string, PendingEntry[]>();
  for (const entry of queue) {
    const list = byKey.get(entry.partitionKey);
    if (list) list.push(entry);
    else byKey.set(entry.partitionKey, [entry]);
  }
  const maxRecords = Math.min(plan.maxRecords, PUT_RECORDS_LIMITS.maxRecords);
  const request: PendingEntry[] = [];
  const taken = new Set<PendingEntry>();
  let bytes = 0;
  for (const list of byKey.values()) {
    let next = 0;
    while (next < list.length && request.length < maxRecords) {
      const { entry, used } = pack(list, next, plan.maxTicksPerRecord);
      if (bytes + entry.bytes > PUT_RECORDS_LIMITS.maxRequestBytes) break;
      for (let k = next; k < next + used; k++) taken.add(list[k]!);
      next += used;
      request.push(entry);
      bytes += entry.bytes;
      if (plan.ordering === 'strict') break;
    }
    if (request.length >= maxRecords) break;
  }
  return { request, rest: queue.filter((e) => !taken.has(e)) };
}

/** Packs list[from…] into one entry while ticks are fresh objects and fit in one record. */
function pack(
  list: readonly PendingEntry[],
  from: number,
  maxTicks: number,
): { entry: PendingEntry; used: number } {
  const first = list[from]!;
  if (maxTicks <= 1 || !first.packable) return { entry: first, used: 1 };
  const parts = [first.data];
  const keyBytes = byteLength(first.partitionKey);
  let bytes = first.bytes + 2; // the brackets
  let used = 1;
  while (used < maxTicks && from + used < list.length) {
    const candidate = list[from + used]!;
    const extra = candidate.bytes - keyBytes + 1; // its JSON and a comma
    if (!candidate.packable || bytes + extra > PUT_RECORDS_LIMITS.maxRecordBytes) break;
    parts.push(candidate.data);
    bytes += extra;
    used++;
  }
  if (used === 1) return { entry: first, used };
  return {
    entry: { ...first, data: `[${parts.join(',')}]`, bytes, ticks: used, packable: false },
    used,
  };
}

/** Puts retried entries back among the waiting ones, in arrival order. */
export function requeue(rest: readonly PendingEntry[], failed: readonly PendingEntry[]): PendingEntry[] {
  if (failed.length === 0) return [...rest];
  return [...failed, ...rest].sort((a, b) => a.seq - b.seq);
}
