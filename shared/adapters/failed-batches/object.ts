/**
 * The objects Lambda writes to an S3 on-failure destination when an event source mapping gives up on
 * a batch (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html, "Example
 * Amazon S3 invocation record"; https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html):
 * the metadata an SQS destination gets (`requestContext`, `responseContext`, `version`, `timestamp`,
 * `KinesisBatchInfo` or `KafkaBatchInfo`) and `payload`, the whole invocation event as an escaped
 * JSON string. The key is `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>`.
 * The local run writes the same objects (local/run/discarded.ts), so one reader serves both.
 */

/** Where Lambda writes failed batches in the destination bucket. */
export const FAILED_BATCH_PREFIX = 'aws/lambda/';

/** A record of a failed batch, as needed to put it back on the stream. */
export interface FailedRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/** One failed batch: what the destination object says, and its records in their stream order. */
export interface FailedBatch {
  readonly key: string;
  readonly source: 'kinesis' | 'kafka';
  /** The event source mapping's id (from the key). */
  readonly mappingId: string;
  /** The shard (Kinesis) or `<topic>-<partition>` of the first record (Kafka). */
  readonly lane: string;
  /** Sequence number (Kinesis) or offset (Kafka) of the first record: orders batches of one lane. */
  readonly firstPosition: bigint;
  /** When Lambda gave up on the batch, epoch ms. */
  readonly discardedAtMs: number;
  readonly condition: string;
  readonly functionError?: string;
  /** Each record with its lane and position (duplicates across objects are dropped by these). */
  readonly records: readonly (FailedRecord & { readonly lane: string; readonly position: string })[];
}

/** An object under the destination prefix that is not a failed batch this reader understands. */
export class InvalidFailedBatchError extends Error {
  override readonly name = 'InvalidFailedBatchError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`s3 object ${key} is not a Lambda on-failure record with its payload: ${reason}`);
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The key Lambda gives a failed batch.
 *
 * @example failedBatchKey('a1b2…', 'shardId-000000000000', new Date(), randomUUID())
 *   // 'aws/lambda/a1b2…/shardId-000000000000/2026/12/03/2026-12-03T12.50.33-<uuid>'
 */
export function failedBatchKey(mappingId: string, lane: string, at: Date, uuid: string): string {
  const y = at.getUTCFullYear();
  const m = pad(at.getUTCMonth() + 1);
  const d = pad(at.getUTCDate());
  const time = `${pad(at.getUTCHours())}.${pad(at.getUTCMinutes())}.${pad(at.getUTCSeconds())}`;
  return `${FAILED_BATCH_PREFIX}${mappingId}/${lane}/${y}/${m}/${d}/${y}-${m}-${d}T${time}-${uuid}`;
}

/** Parses one destination object; throws {@link InvalidFailedBatchError} with the reason. */
export function parseFailedBatch(key: string, body: Uint8Array): FailedBatch {
  const fail = (reason: string): never => {
    throw new InvalidFailedBatchError(key, reason);
  };
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (err) {
    return fail(`not JSON (${(err as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object') return fail('not a JSON object');
  const mappingId = key.startsWith(FAILED_BATCH_PREFIX)
    ? key.slice(FAILED_BATCH_PREFIX.length).split('/')[0]
    : '';
  const discardedAtMs = Date.parse(String(doc.timestamp));
  if (!Number.isFinite(discardedAtMs)) fail(`timestamp ${JSON.stringify(doc.timestamp)} is not ISO-8601`);
  const request = (doc.requestContext ?? {}) as { condition?: string };
  const response = (doc.responseContext ?? {}) as { functionError?: string };
  if (doc.payload === undefined)
    fail(
      'no payload (an SQS or SNS destination keeps only the metadata; the records must be read from the stream)',
    );
  let event: { Records?: unknown; records?: unknown };
  try {
    event = typeof doc.payload === 'string' ? JSON.parse(doc.payload) : (doc.payload as object);
  } catch (err) {
    return fail(`payload is not JSON (${(err as Error).message})`);
  }
  const common = {
    key,
    mappingId: mappingId ?? '',
    discardedAtMs,
    condition: String(request.condition ?? ''),
    ...(response.functionError && { functionError: response.functionError }),
  };
  if ('KinesisBatchInfo' in doc) {
    const info = doc.KinesisBatchInfo as { shardId?: string; startSequenceNumber?: string };
    if (!Array.isArray(event.Records)) return fail('payload has no Records array');
    const records = event.Records.map(
      (r: { kinesis?: { partitionKey?: string; data?: string; sequenceNumber?: string } }, i) => {
        const k = r?.kinesis;
        if (
          typeof k?.partitionKey !== 'string' ||
          typeof k.data !== 'string' ||
          typeof k.sequenceNumber !== 'string'
        )
          fail(`payload record ${i} lacks kinesis.partitionKey, data or sequenceNumber`);
        return {
          partitionKey: k!.partitionKey!,
          data: new Uint8Array(Buffer.from(k!.data!, 'base64')),
          lane: String(info.shardId),
          position: k!.sequenceNumber!,
        };
      },
    );
    return {
      ...common,
      source: 'kinesis',
      lane: String(info.shardId),
      firstPosition: BigInt(records[0]?.position ?? info.startSequenceNumber ?? 0),
      records,
    };
  }
  if ('KafkaBatchInfo' in doc) {
    if (event.records === null || typeof event.records !== 'object')
      return fail('payload has no records map');
    const records: FailedBatch['records'][number][] = [];
    for (const [lane, list] of Object.entries(event.records as Record<string, unknown>)) {
      if (!Array.isArray(list)) fail(`payload records.${lane} is not an array`);
      for (const r of list as { key?: string; value?: string; offset?: number | string }[]) {
        // A record without a key (or value) has no such field; the tick's symbol is inside the value.
        records.push({
          partitionKey: r.key ? Buffer.from(r.key, 'base64').toString('utf8') : '',
          data: new Uint8Array(Buffer.from(r.value ?? '', 'base64')),
          lane,
          position: String(r.offset),
        });
      }
    }
    return {
      ...common,
      source: 'kafka',
      lane: records[0]?.lane ?? '',
      firstPosition: BigInt(records[0]?.position ?? 0),
      records,
    };
  }
  return fail('neither KinesisBatchInfo nor KafkaBatchInfo');
}

/** Ticks in one record's data: a JSON array's length, 0 for a watermark mark, else 1. */
export function ticksIn(data: Uint8Array): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    if (Array.isArray(parsed)) return parsed.length;
    return (parsed as { tickflow?: string } | null)?.tickflow === 'watermark' ? 0 : 1;
  } catch {
    return 1; // not JSON (or KPL): one payload the pipeline would quarantine
  }
}
