/**
 * The S3 on-failure destination's objects and their replay, on a real folder store. The object shape
 * and key follow https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * ("Example Amazon S3 invocation record": the SQS record's fields plus `payload`, the invocation
 * event as an escaped JSON string; key `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FailedRecord,
  failedBatchKey,
  InvalidFailedBatchError,
  parseFailedBatch,
  REPLAYED_PREFIX,
  replayFailedBatches,
} from '../../../shared/adapters/failed-batches/index.js';
import { FileObjectStore } from '../../../shared/adapters/file-object-store.js';

const MAPPING = 'a1b2c3d4-5678-90ab-cdef-11111EXAMPLE';
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

/** An S3 on-failure object as Lambda writes it, for records (sequence number, key, tick) of one shard. */
function object(shardId: string, records: [string, string, object][], at = new Date(NOW - 60_000)) {
  const event = {
    Records: records.map(([sequenceNumber, partitionKey, tick]) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber,
        data: Buffer.from(JSON.stringify(tick)).toString('base64'),
        approximateArrivalTimestamp: at.getTime() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventID: `${shardId}:${sequenceNumber}`,
    })),
  };
  const doc = {
    requestContext: {
      requestId: 'c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5',
      functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: at.toISOString(),
    KinesisBatchInfo: {
      shardId,
      startSequenceNumber: records[0]![0],
      endSequenceNumber: records.at(-1)![0],
      approximateArrivalOfFirstRecord: at.toISOString(),
      approximateArrivalOfLastRecord: at.toISOString(),
      batchSize: records.length,
      streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
    },
    payload: JSON.stringify(event),
  };
  const key = failedBatchKey(MAPPING, shardId, at, `uuid-${shardId}-${records[0]![0]}`);
  return { key, body: new TextEncoder().encode(JSON.stringify(doc)) };
}

const tick = (symbol: string, ts: number, id: string) => ({ symbol, ts, price: 1, size: 1, id });

describe('the on-failure object', () => {
  it('is keyed as Lambda keys it', () => {
    expect(
      failedBatchKey(MAPPING, 'shardId-000000000001', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 'u-1'),
    ).toBe(`aws/lambda/${MAPPING}/shardId-000000000001/2026/01/02/2026-01-02T03.04.05-u-1`);
  });

  it('gives back the records of its payload in order, with their partition keys and bytes', () => {
    const { key, body } = object('shardId-000000000001', [
      ['100', 'AAA', tick('AAA', NOW, 'a1')],
      ['105', 'BBB', tick('BBB', NOW, 'b1')],
    ]);
    const batch = parseFailedBatch(key, body);
    expect(batch).toMatchObject({
      source: 'kinesis',
      mappingId: MAPPING,
      lane: 'shardId-000000000001',
      firstPosition: 100n,
      condition: 'RetryAttemptsExhausted',
      functionError: 'Unhandled',
    });
    expect(batch.records.map((r) => [r.partitionKey, JSON.parse(Buffer.from(r.data).toString()).id])).toEqual(
      [
        ['AAA', 'a1'],
        ['BBB', 'b1'],
      ],
    );
  });

  it('reads a Kafka batch too (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html), records per topic-partition', () => {
    const doc = kafkaFailureDoc(
      [
        [7, tick('AAA', NOW, 'a')],
        [8, tick('AAA', NOW, 'b')],
      ],
      100,
    );
    const batch = parseFailedBatch(
      failedBatchKey(MAPPING, 'ticks-0', new Date(NOW), 'k'),
      new TextEncoder().encode(JSON.stringify(doc)),
    );
    expect(batch).toMatchObject({ source: 'kafka', lane: 'ticks-0', firstPosition: 7n });
    expect(batch.records.map((r) => [r.partitionKey, r.position])).toEqual([
      ['AAA', '7'],
      ['AAA', '8'],
    ]);
  });

  it('an SQS-shaped record (no payload) is refused with what to do', () => {
    const { key, body } = object('shardId-000000000001', [['1', 'AAA', tick('AAA', NOW, 'a')]]);
    const doc = JSON.parse(Buffer.from(body).toString());
    delete doc.payload;
    expect(() => parseFailedBatch(key, new TextEncoder().encode(JSON.stringify(doc)))).toThrow(
      /no payload \(an SQS or SNS destination keeps only the metadata/,
    );
    expect(() => parseFailedBatch(key, new TextEncoder().encode('{oops'))).toThrow(InvalidFailedBatchError);
  });
});

describe('replaying the destination', () => {
  let dir: string;
  let store: FileObjectStore;
  let sent: FailedRecord[][];
  const put = async (records: readonly FailedRecord[]) => void sent.push([...records]);
  const ids = () => sent.map((batch) => batch.map((r) => JSON.parse(Buffer.from(r.data).toString()).id));
  const replay = (extra: Partial<Parameters<typeof replayFailedBatches>[0]> = {}) =>
    replayFailedBatches({ store, put, allowedLatenessMs: 600_000, now: NOW, ...extra });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-failed-'));
    store = new FileObjectStore(dir);
    sent = [];
    // Shard 1's later batch is written first; the bronze writer's batch repeats record 105.
    for (const o of [
      object('shardId-000000000001', [['200', 'AAA', tick('AAA', NOW - 1_000, 'a2')]]),
      object('shardId-000000000001', [
        ['100', 'AAA', tick('AAA', NOW - 2_000, 'a1')],
        ['105', 'BBB', tick('BBB', NOW - 2_000, 'b1')],
      ]),
      object('shardId-000000000000', [['50', 'CCC', tick('CCC', NOW - 3_000, 'c1')]]),
      object(
        'shardId-000000000001',
        [['105', 'BBB', tick('BBB', NOW - 2_000, 'b1')]],
        new Date(NOW - 30_000),
      ),
    ])
      await store.put(o.key, o.body);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('puts each shard’s batches back in stream order, a record two batches hold once, and moves them under replayed/', async () => {
    const report = await replay();
    expect(ids()).toEqual([['c1'], ['a1', 'b1'], ['a2']]);
    expect(report).toMatchObject({
      batches: 4,
      records: 4,
      ticks: 4,
      duplicateRecords: 1,
      stale: [],
      invalid: [],
    });
    expect(await store.list('aws/lambda/')).toEqual([]);
    expect(await store.list(REPLAYED_PREFIX)).toHaveLength(4);

    sent = [];
    expect(await replay()).toMatchObject({ batches: 0, records: 0 });
    expect(sent).toEqual([]);
  });

  it('a dry run reports and changes nothing; --since keeps the later batches only', async () => {
    expect(await replay({ dryRun: true })).toMatchObject({ dryRun: true, batches: 4, records: 4 });
    expect(sent).toEqual([]);
    expect(await store.list('aws/lambda/')).toHaveLength(4);
    expect(await replay({ dryRun: true, since: NOW - 45_000 })).toMatchObject({ batches: 1, records: 1 });
  });

  it('a batch put by a replay that stopped before deleting it is not put again', async () => {
    const [key] = await store.list('aws/lambda/');
    await store.put(REPLAYED_PREFIX + key!, (await store.get(key!))!);
    const report = await replay();
    expect(report).toMatchObject({ batches: 3, alreadyPut: 1 });
    expect(await store.list('aws/lambda/')).toEqual([]);
  });

  it('names the batches whose ticks are older than the allowed lateness', async () => {
    const report = await replay({ allowedLatenessMs: 2_500, dryRun: true });
    expect(report.stale.map((s) => s.newestTickMs)).toEqual([NOW - 3_000]);
  });

  it('leaves an object that is not a failed batch in place and says why', async () => {
    await store.put(
      `aws/lambda/${MAPPING}/shardId-000000000000/2026/12/03/2026-12-03T11.00.00-x`,
      new Uint8Array([1]),
    );
    const report = await replay();
    expect(report.invalid).toEqual([
      {
        key: `aws/lambda/${MAPPING}/shardId-000000000000/2026/12/03/2026-12-03T11.00.00-x`,
        reason: expect.stringMatching(/^not JSON/),
      },
    ]);
    expect(await store.list('aws/lambda/')).toHaveLength(1);
  });

  it('puts Kinesis batches on a Kinesis stream only, and Kafka batches on a Kafka topic only', async () => {
    const kafkaKey = `aws/lambda/${MAPPING}/ticks-0/2026/12/03/2026-12-03T11.00.00-k`;
    const kafkaDoc = kafkaFailureDoc([[3, tick('AAA', NOW, 'k1')]], 50);
    await store.put(kafkaKey, new TextEncoder().encode(JSON.stringify(kafkaDoc)));
    const toKinesis = await replay({ dryRun: true });
    expect(toKinesis).toMatchObject({ batches: 4 });
    expect(toKinesis.invalid).toEqual([
      {
        key: kafkaKey,
        reason: 'a Kafka batch: put it back on its topic with --kafka HOST:PORT --topic NAME',
      },
    ]);
    const toKafka = await replay({ target: 'kafka' });
    expect(ids()).toEqual([['k1']]);
    expect(toKafka).toMatchObject({ batches: 1, records: 1 });
    expect(toKafka.invalid.map((i) => i.reason)).toEqual(
      Array(4).fill('a Kinesis batch: put it back on its stream without --kafka'),
    );
    expect(await store.list('aws/lambda/')).toHaveLength(4);
  });
});

/**
 * What Lambda writes to an S3 on-failure destination for a Kafka batch given up on
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html): these ticks at these
 * offsets of partition 0 of topic `ticks`, keyed by their symbol.
 */
function kafkaFailureDoc(
  records: readonly (readonly [number, ReturnType<typeof tick>])[],
  payloadSize: number,
) {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  return {
    requestContext: {
      requestId: 'r',
      functionArn: 'arn:f',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 1,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date(NOW).toISOString(),
    KafkaBatchInfo: {
      batchSize: records.length,
      bootstrapServers: '127.0.0.1:9092',
      payloadSize,
      recordsInfo: {},
    },
    payload: JSON.stringify({
      eventSource: 'SelfManagedKafka',
      records: {
        'ticks-0': records.map(([offset, t]) => ({
          topic: 'ticks',
          partition: 0,
          offset,
          key: base64(t.symbol),
          value: base64(JSON.stringify(t)),
        })),
      },
    }),
  };
}
