import type { ObjectStore } from '../../pipeline/ports.js';
import {
  FAILED_BATCH_PREFIX,
  type FailedBatch,
  type FailedRecord,
  InvalidFailedBatchError,
  parseFailedBatch,
  ticksIn,
} from './object.js';

/** Where a replayed batch is kept (its key under this prefix), so the next replay skips it. */
export const REPLAYED_PREFIX = 'replayed/';

export interface ReplayOptions {
  /** The on-failure destination: the deployed bucket, or a local run's `failed-batches/` folder. */
  readonly store: ObjectStore;
  /** Puts records on the stream, each partition key's records in the order given; resolves once all are accepted. */
  readonly put: (records: readonly FailedRecord[]) => Promise<unknown>;
  /**
   * What `put` writes to: a Kinesis stream or a Kafka topic. Batches read from the other kind are left
   * in place and reported (their records would land on a stream their consumer does not read).
   * @default 'kinesis'
   */
  readonly target?: 'kinesis' | 'kafka';
  /** Only batches discarded at or after / before these times (epoch ms, from the object key). */
  readonly since?: number;
  readonly until?: number;
  /** Only this event source mapping's batches (its UUID, the key's first folder). */
  readonly mappingId?: string;
  /** Read and report, put and move nothing. */
  readonly dryRun?: boolean;
  /** A batch whose newest tick is older than `now` − this is reported as stale (see {@link ReplayReport}). */
  readonly allowedLatenessMs: number;
  readonly now?: number;
  /** Told about each batch as it is replayed (or would be, in a dry run). */
  readonly onBatch?: (
    batch: FailedBatch,
    outcome: { readonly records: number; readonly ticks: number },
  ) => void;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  /** Batches found in range (not yet replayed). */
  readonly batches: number;
  /** Records put back on the stream (would be, in a dry run). */
  readonly records: number;
  readonly ticks: number;
  /** Records skipped because an earlier batch of this replay held the same record (both consumers gave up on it). */
  readonly duplicateRecords: number;
  /** Batches put by an earlier replay that stopped before moving them: moved now, not put again. */
  readonly alreadyPut: number;
  /**
   * Batches whose newest tick is older than the allowed lateness: where their symbols kept trading,
   * the watermark has passed their windows, and those ticks go to the late output, not into bars.
   */
  readonly stale: readonly { readonly key: string; readonly newestTickMs: number }[];
  /** Objects that are not failed batches (left in place). */
  readonly invalid: readonly { readonly key: string; readonly reason: string }[];
}

/**
 * Puts the batches an event source mapping gave up on back on the stream (a Kinesis stream, or a Kafka
 * topic with the records' keys, so each lands in its key's partition again), from the S3 on-failure
 * destination (docs/runbook.md, FailedBatches): oldest first per shard or partition, each batch's
 * records in their order, then each batch is moved under `replayed/` so the next replay does not send it again.
 *
 * Why this is safe to repeat: a crash between the put and the move sends the batch again on the next
 * replay, and the aggregator drops those ticks as duplicates by (symbol, id) within the dedup horizon;
 * bars, late ticks and quarantined records are keyed by their identity. Its limit: a tick whose
 * windows closed since (its symbol's watermark passed them) is late, not in a bar; `stale` names the
 * batches where that may be so. Ticks without an id are not deduplicated.
 */
export async function replayFailedBatches(o: ReplayOptions): Promise<ReplayReport> {
  const now = o.now ?? Date.now();
  const keys = (await o.store.list(FAILED_BATCH_PREFIX)).filter((key) => inRange(key, o));
  const done = new Set(await o.store.list(REPLAYED_PREFIX + FAILED_BATCH_PREFIX));
  const report = {
    dryRun: o.dryRun ?? false,
    batches: 0,
    records: 0,
    ticks: 0,
    duplicateRecords: 0,
    alreadyPut: 0,
    stale: [] as { key: string; newestTickMs: number }[],
    invalid: [] as { key: string; reason: string }[],
  };
  const batches: { batch: FailedBatch; body: Uint8Array }[] = [];
  for (const key of keys) {
    if (done.has(REPLAYED_PREFIX + key)) {
      report.alreadyPut++;
      if (!report.dryRun) await o.store.delete(key);
      continue;
    }
    const body = await o.store.get(key);
    if (!body) continue; // expired or moved by another replay since the listing
    try {
      const batch = parseFailedBatch(key, body);
      const target = o.target ?? 'kinesis';
      if (batch.source !== target)
        throw new InvalidFailedBatchError(
          key,
          batch.source === 'kafka'
            ? 'a Kafka batch: put it back on its topic with --kafka HOST:PORT --topic NAME'
            : 'a Kinesis batch: put it back on its stream without --kafka',
        );
      batches.push({ batch, body });
    } catch (err) {
      if (!(err instanceof InvalidFailedBatchError)) throw err;
      report.invalid.push({ key, reason: err.reason });
    }
  }
  batches.sort((a, b) => compareBatches(a.batch, b.batch));
  const seen = new Set<string>();
  for (const { batch, body } of batches) {
    const records = batch.records.filter((r) => {
      const id = `${r.lane}\u0000${r.position}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    report.duplicateRecords += batch.records.length - records.length;
    const ticks = records.reduce((n, r) => n + ticksIn(r.data), 0);
    const newest = newestTickMs(records);
    if (newest !== undefined && newest < now - o.allowedLatenessMs)
      report.stale.push({ key: batch.key, newestTickMs: newest });
    if (!report.dryRun) {
      if (records.length > 0) await o.put(records.map(({ partitionKey, data }) => ({ partitionKey, data })));
      await o.store.put(REPLAYED_PREFIX + batch.key, body);
      await o.store.delete(batch.key);
    }
    report.batches++;
    report.records += records.length;
    report.ticks += ticks;
    o.onBatch?.(batch, { records: records.length, ticks });
  }
  return report;
}

/** The discard time written in a key's last segment (`YYYY-MM-DDTHH.MM.SS-<uuid>`), epoch ms. */
export function discardedAtOfKey(key: string): number | undefined {
  const m = /\/(\d{4})-(\d{2})-(\d{2})T(\d{2})\.(\d{2})\.(\d{2})-[^/]*$/.exec(key);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function inRange(key: string, o: ReplayOptions): boolean {
  if (o.mappingId && !key.startsWith(`${FAILED_BATCH_PREFIX}${o.mappingId}/`)) return false;
  if (o.since === undefined && o.until === undefined) return true;
  const at = discardedAtOfKey(key);
  if (at === undefined) return true; // not Lambda's naming: parse it and let the reader decide
  // The key has whole seconds: a batch discarded within the `since` second is kept.
  return (
    (o.since === undefined || at >= Math.floor(o.since / 1000) * 1000) &&
    (o.until === undefined || at < o.until)
  );
}

/** By shard, then by the first record's position: a shard's batches go back in their stream order. */
function compareBatches(a: FailedBatch, b: FailedBatch): number {
  if (a.lane !== b.lane) return a.lane < b.lane ? -1 : 1;
  return a.firstPosition < b.firstPosition ? -1 : a.firstPosition > b.firstPosition ? 1 : 0;
}

/** The largest numeric `ts` among the ticks of `records` (objects or arrays of them), if any. */
function newestTickMs(records: readonly FailedRecord[]): number | undefined {
  let newest: number | undefined;
  for (const r of records) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(r.data).toString('utf8'));
    } catch {
      continue;
    }
    for (const t of Array.isArray(parsed) ? parsed : [parsed]) {
      const ts = (t as { ts?: unknown } | null)?.ts;
      if (typeof ts === 'number' && Number.isFinite(ts) && (newest === undefined || ts > newest)) newest = ts;
    }
  }
  return newest;
}
