/**
 * The local event source mapping against a real kinesalite, checked against Lambda's documented
 * behaviour: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import {
  type EventSourceMappingOptions,
  EventSourceMappingRunner,
  type OnFailureRecord,
} from '../../local/esm-runner.js';
import { createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { resourceNames } from '../../shared/config.js';

let aws: LocalAws;
let kinesis: KinesisClient;
let streamCount = 0;
const runners: EventSourceMappingRunner[] = [];

beforeAll(async () => {
  aws = await startLocalAws({ names: resourceNames('esmtest') });
  kinesis = createKinesisClient(aws.clientConfig);
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  kinesis?.destroy();
  await aws?.stop();
});

interface Put {
  key: string;
  body: string;
}

/** A fresh stream per test, so tests never see each other's records. */
async function newStream(shards = 1): Promise<string> {
  const name = `esm-${++streamCount}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const { StreamDescriptionSummary: s } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (s?.StreamStatus === 'ACTIVE') return name;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Puts records in order (500 per call), returning their sequence numbers. */
async function put(stream: string, records: Put[]): Promise<string[]> {
  const sequences: string[] = [];
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const out = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(r.body) })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
    sequences.push(...out.Records!.map((r) => r.SequenceNumber!));
  }
  return sequences;
}

function ticks(n: number, keys: number): Put[] {
  return Array.from({ length: n }, (_, i) => ({ key: `SYM${i % keys}`, body: JSON.stringify({ i }) }));
}

const bodyOf = (r: KinesisStreamRecord) =>
  JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()) as { i: number };

function runner(options: Omit<EventSourceMappingOptions, 'kinesis'>): EventSourceMappingRunner {
  const esm = new EventSourceMappingRunner({ kinesis, pollIntervalMs: 20, ...options });
  runners.push(esm);
  return esm;
}

describe('EventSourceMappingRunner', () => {
  it('delivers Lambda-shaped events, at most batchSize records each, in order per partition key', async () => {
    const stream = await newStream(2);
    const sequences = await put(stream, ticks(600, 12));
    const batches: KinesisStreamEvent[] = [];
    const esm = runner({ streamName: stream, batchSize: 40, handler: async (e) => void batches.push(e) });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });

    const records = batches.flatMap((b) => b.Records);
    expect(records.map((r) => bodyOf(r).i).sort((a, b) => a - b)).toEqual([...Array(600).keys()]);
    expect(Math.max(...batches.map((b) => b.Records.length))).toBe(40);
    for (const b of batches) expect(new Set(b.Records.map((r) => r.eventID.split(':')[0])).size).toBe(1);
    const byKey = new Map<string, number[]>();
    for (const r of records)
      byKey.set(r.kinesis.partitionKey, [...(byKey.get(r.kinesis.partitionKey) ?? []), bodyOf(r).i]);
    for (const order of byKey.values()) expect(order).toEqual([...order].sort((a, b) => a - b));

    const first = records.find((r) => bodyOf(r).i === 0)!;
    expect(first).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'SYM0',
        sequenceNumber: sequences[0],
        data: Buffer.from('{"i":0}').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: expect.stringMatching(new RegExp(`^shardId-\\d{12}:${sequences[0]}$`)),
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/tickflow-aggregator-role',
      awsRegion: 'us-east-1',
      eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
    });
    // Seconds with a fraction, as Lambda sends it, not milliseconds.
    expect(Math.abs(first.kinesis.approximateArrivalTimestamp - Date.now() / 1000)).toBeLessThan(120);
    expect(esm.stats).toMatchObject({
      recordsRead: 600,
      recordsSucceeded: 600,
      retries: 0,
      functionErrors: 0,
    });
  });

  it('retries a failing batch until it succeeds, holding back the records behind it', async () => {
    const stream = await newStream();
    await put(stream, ticks(30, 3));
    const seen: number[] = [];
    let failures = 0;
    const esm = runner({
      streamName: stream,
      batchSize: 10,
      handler: async (e) => {
        if (e.Records.some((r) => bodyOf(r).i === 12) && failures < 3) {
          failures++;
          throw new Error('downstream unavailable');
        }
        seen.push(...e.Records.map((r) => bodyOf(r).i));
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(seen).toEqual([...Array(30).keys()]);
    expect(esm.stats).toMatchObject({
      retries: 3,
      functionErrors: 3,
      invocations: 6,
      failuresToDestination: 0,
    });
  });

  it('bisects on function error until the poison record is alone, then sends only it to the destination', async () => {
    const stream = await newStream();
    const sequences = await put(stream, ticks(64, 4));
    const succeeded: number[] = [];
    const failures: OnFailureRecord[] = [];
    const esm = runner({
      streamName: stream,
      batchSize: 64,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      onFailure: (r) => void failures.push(r),
      handler: async (e) => {
        if (e.Records.some((r) => bodyOf(r).i === 37)) throw new Error('poison');
        succeeded.push(...e.Records.map((r) => bodyOf(r).i));
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(succeeded).toEqual([...Array(64).keys()].filter((i) => i !== 37));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: sequences[37],
      endSequenceNumber: sequences[37],
    });
    // Splitting uses no retry quota: the single record is tried once plus 2 retries.
    expect(failures[0]!.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(esm.stats.bisections).toBe(6);
  });

  it('with ReportBatchItemFailures, checkpoints before the lowest failed sequence number and retries from there', async () => {
    const stream = await newStream();
    const sequences = await put(stream, ticks(20, 2));
    const invocations: number[][] = [];
    const esm = runner({
      streamName: stream,
      batchSize: 20,
      reportBatchItemFailures: true,
      handler: async (e) => {
        const ids = e.Records.map((r) => bodyOf(r).i);
        invocations.push(ids);
        if (invocations.length === 1) {
          return {
            batchItemFailures: [{ itemIdentifier: sequences[11]! }, { itemIdentifier: sequences[7]! }],
          };
        }
        if (invocations.length === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        return { batchItemFailures: [] };
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(invocations[0]).toEqual([...Array(20).keys()]);
    // Records 0–6 are checkpointed; an unknown identifier fails the whole (retried) batch.
    expect(invocations[1]).toEqual([...Array(13).keys()].map((i) => i + 7));
    expect(invocations[2]).toEqual(invocations[1]);
    expect(invocations).toHaveLength(3);
    expect(esm.stats).toMatchObject({ partialFailures: 1, functionErrors: 1, recordsSucceeded: 20 });
  });

  it('after maximumRetryAttempts sends Lambda’s on-failure record and moves on', async () => {
    const stream = await newStream();
    const sequences = await put(stream, ticks(15, 1));
    const failures: OnFailureRecord[] = [];
    let calls = 0;
    const delivered: number[] = [];
    const esm = runner({
      streamName: stream,
      batchSize: 5,
      maximumRetryAttempts: 1,
      onFailure: (r) => void failures.push(r),
      handler: async (e) => {
        calls++;
        if (e.Records.some((r) => bodyOf(r).i === 6)) throw new Error('always');
        delivered.push(...e.Records.map((r) => bodyOf(r).i));
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(delivered).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
    expect(calls).toBe(4);
    expect(failures).toEqual([
      {
        requestContext: {
          requestId: expect.any(String),
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tickflow-aggregator',
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 2,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        KinesisBatchInfo: {
          shardId: 'shardId-000000000000',
          startSequenceNumber: sequences[5],
          endSequenceNumber: sequences[9],
          approximateArrivalOfFirstRecord: expect.stringMatching(/Z$/),
          approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
          batchSize: 5,
          streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
        },
        // What only an S3 destination keeps: the whole invocation event, as an escaped JSON string.
        payload: expect.any(String),
      },
    ]);
    const event = JSON.parse(failures[0]!.payload) as { Records: KinesisStreamRecord[] };
    expect(event.Records.map((r) => r.kinesis.sequenceNumber)).toEqual(sequences.slice(5, 10));
    expect(event.Records.map((r) => bodyOf(r).i)).toEqual([5, 6, 7, 8, 9]);
  });

  it('discards records older than maximumRecordAgeSeconds to the destination (infinite retries otherwise)', async () => {
    const stream = await newStream();
    await put(stream, ticks(5, 1));
    let clockOffsetMs = 0;
    const failures: OnFailureRecord[] = [];
    let calls = 0;
    const esm = runner({
      streamName: stream,
      maximumRecordAgeSeconds: 60,
      clock: () => Date.now() + clockOffsetMs,
      onFailure: (r) => void failures.push(r),
      handler: async () => {
        if (++calls === 3) clockOffsetMs = 61_000;
        throw new Error('always');
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(calls).toBe(3);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.requestContext).toMatchObject({
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 3,
    });
    expect(failures[0]!.KinesisBatchInfo.batchSize).toBe(5);
  });

  it('parallelizationFactor runs batches of one shard concurrently, never one key in two batches at once', async () => {
    const stream = await newStream();
    await put(stream, ticks(1_000, 40));
    const inFlightKeys = new Set<string>();
    const lastByKey = new Map<string, number>();
    const violations: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const esm = runner({
      streamName: stream,
      batchSize: 25,
      parallelizationFactor: 4,
      handler: async (e) => {
        const keys = new Set(e.Records.map((r) => r.kinesis.partitionKey));
        // Recorded, not asserted here: a throwing handler would only be retried.
        for (const k of keys) {
          if (inFlightKeys.has(k)) violations.push(`${k} in two in-flight batches`);
          inFlightKeys.add(k);
        }
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        await new Promise((r) => setTimeout(r, 2));
        for (const r of e.Records) {
          const i = bodyOf(r).i;
          if (i <= (lastByKey.get(r.kinesis.partitionKey) ?? -1)) violations.push(`${i} out of order`);
          lastByKey.set(r.kinesis.partitionKey, i);
        }
        concurrent--;
        for (const k of keys) inFlightKeys.delete(k);
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(violations).toEqual([]);
    expect(esm.stats).toMatchObject({ recordsSucceeded: 1_000, functionErrors: 0 });
    expect(lastByKey.size).toBe(40);
    expect(maxConcurrent).toBeGreaterThan(1);
    expect(maxConcurrent).toBeLessThanOrEqual(4);
  });

  it('chaos re-splits retried batches differently, reproducibly from the seed', async () => {
    const stream = await newStream();
    await put(stream, ticks(200, 5));
    const sizesFor = async (seed: number) => {
      const sizes: number[] = [];
      const seen: number[] = [];
      let n = 0;
      const esm = runner({
        streamName: stream,
        batchSize: 50,
        chaos: { seed, resplit: true },
        retryBackoff: { initialMs: 1, maxMs: 1 },
        handler: async (e) => {
          sizes.push(e.Records.length);
          if (++n % 3 === 0) throw new Error('injected');
          seen.push(...e.Records.map((r) => bodyOf(r).i));
        },
      });
      await esm.start();
      await esm.waitUntilIdle({ timeoutMs: 20_000 });
      await esm.stop();
      expect(seen).toEqual([...Array(200).keys()]);
      return sizes;
    };
    const a = await sizesFor(7);
    expect(await sizesFor(7)).toEqual(a);
    expect(await sizesFor(8)).not.toEqual(a);
    // Without chaos every batch, retried or not, would hold 50 records (200 = 4 × 50).
    expect(a.filter((size) => size !== 50).length).toBeGreaterThan(1);
  });

  it('LATEST skips the records put before start()', async () => {
    const stream = await newStream();
    await put(stream, ticks(10, 2));
    const seen: number[] = [];
    const esm = runner({
      streamName: stream,
      startingPosition: 'LATEST',
      handler: async (e) => void seen.push(...e.Records.map((r) => bodyOf(r).i)),
    });
    await esm.start();
    await put(stream, [{ key: 'A', body: '{"i":100}' }]);
    await esm.waitUntilIdle({ timeoutMs: 20_000 });
    expect(seen).toEqual([100]);
  });

  // Its speed beside a raw GetRecords read is a benchmark (`npm run bench -- --only esm-runner`), not a test.
  it('carries 10,000 records in full batches, each once, in order per partition key', async () => {
    const stream = await newStream();
    await put(stream, ticks(10_000, 50));
    const seen: number[] = [];
    const sizes: number[] = [];
    const esm = runner({
      streamName: stream,
      batchSize: 1_000,
      handler: async (e) => {
        sizes.push(e.Records.length);
        for (const r of e.Records) seen.push(bodyOf(r).i);
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 120_000 });
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(10_000).keys()]);
    expect(Math.max(...sizes)).toBe(1_000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // one shard: the stream's order
  });
});
