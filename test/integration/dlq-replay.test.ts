/**
 * Re-driving discarded batches end to end on the local AWS: the aggregator's writes fail for the
 * second part of a run (an outage of its tables and the lake), its event source mapping gives up
 * after the retries and writes each batch, whole, to the S3 on-failure destination in Lambda's
 * object format; after the outage, `replayFailedBatches` (what `tickflow dlq replay` runs) puts the
 * records back on the stream, and the lake's bars then equal the independent reference over every
 * tick. A second replay sends nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAggregatorHandler } from '../../functions/aggregator/handler.js';
import { type LocalAws, pipelineResources, startLocalAws } from '../../local/aws-stack.js';
import { EventSourceMappingRunner } from '../../local/esm-runner.js';
import { FailureDestination } from '../../local/run/discarded.js';
import { exportRun } from '../../local/run/export-lake.js';
import { createKinesisClient, createS3Client } from '../../shared/adapters/aws-clients.js';
import { FaultInjector } from '../../shared/adapters/chaos.js';
import { REPLAYED_PREFIX, replayFailedBatches } from '../../shared/adapters/failed-batches/index.js';
import { KinesisPublisher, putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { aggregatorConfig, parseIntervals } from '../../shared/domain/index.js';
import { markerDates } from '../../shared/pipeline/lake-materializer.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import type { ContractRow } from '../support/contract-csv.js';
import { expectSameBars, lakeBars } from '../support/lake-check.js';
import { referenceFor } from '../support/reference.js';

const T0 = Date.UTC(2024, 2, 4, 9);
const LATENESS_MS = 60_000;

/** Every write of the pipeline fails while `down` (an outage of DynamoDB and S3 for the aggregator). */
class Outage extends FaultInjector {
  down = false;
  constructor() {
    super(0, 'outage');
  }
  override decide() {
    return this.down ? ('before' as const) : ('none' as const);
  }
}

/** Three symbols, two ticks a second each, some up to 30 s out of order (within the lateness). */
function ticks(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const symbol = ['AAA', 'BBB', 'CCC'][i % 3]!;
    const ts = T0 + i * 500 - (i % 11 === 0 ? 30_000 : 0);
    return {
      symbol,
      ts,
      price: 100 + Math.sin(i / 7) * 3 + (i % 3),
      size: 1 + (i % 4),
      id: `${symbol}-${i}`,
    };
  });
}

let aws: LocalAws;
let runner: EventSourceMappingRunner | undefined;
let dir: string;
beforeAll(async () => {
  aws = await startLocalAws({ shards: 2 });
  dir = await mkdtemp(join(tmpdir(), 'tickflow-dlq-'));
});
afterAll(async () => {
  await runner?.stop();
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('batches given up on during an outage are put back by a replay, the bars then equal the reference, and a second replay sends nothing', {
  timeout: 120_000,
}, async () => {
  const outage = new Outage();
  const pipeline = wirePipeline({
    aws: aws.clientConfig,
    ...pipelineResources(aws.names),
    engine: aggregatorConfig({ intervals: parseIntervals(['1m', '5m']), allowedLatenessMs: LATENESS_MS }),
    idleTimeoutMs: 60_000,
    faults: outage,
  });
  const kinesis = createKinesisClient(aws.clientConfig);
  const bucket = new S3ObjectStore(createS3Client(aws.clientConfig), aws.names.failedBatchesBucket);
  const destination = new FailureDestination(bucket);
  runner = new EventSourceMappingRunner({
    kinesis,
    streamName: aws.names.tickStream,
    functionName: 'tickflow-aggregator',
    handler: createAggregatorHandler(pipeline.service, () => undefined),
    batchSize: 50,
    reportBatchItemFailures: true,
    maximumRetryAttempts: 1,
    retryBackoff: { initialMs: 1, maxMs: 5 },
    onFailure: (r) => destination.send('aggregator', r),
  });
  await runner.start();
  const publish = (records: readonly ProducerRecord[]) =>
    new KinesisPublisher({ streamName: aws.names.tickStream, putRecords: putRecordsWith(kinesis) }).publish(
      records,
    );

  const all = ticks(600);
  const asRecords = (list: typeof all) => list.map((t) => ({ partitionKey: t.symbol, payload: t }));
  await publish(asRecords(all.slice(0, 360)));
  await runner.waitUntilIdle();
  outage.down = true;
  await publish(asRecords(all.slice(360)));
  await runner.waitUntilIdle();
  outage.down = false;
  const lost = runner.stats.recordsToDestination;
  expect(lost).toBeGreaterThan(0);
  expect(destination.totals().records).toBe(lost);

  const replayOnce = () =>
    replayFailedBatches({
      store: bucket,
      put: (records) => publish(records.map((r) => ({ partitionKey: r.partitionKey, payload: r.data }))),
      allowedLatenessMs: LATENESS_MS,
    });
  const first = await replayOnce();
  expect(first).toMatchObject({ batches: destination.totals().batches, records: lost, invalid: [] });
  await runner.waitUntilIdle();
  expect(runner.stats.recordsToDestination).toBe(lost); // nothing failed on the replay

  await pipeline.service.flushAll();
  await pipeline.materializer.materialize(markerDates());
  await exportRun(pipeline.lake, dir);
  const rows: ContractRow[] = all.map((t, seq) => ({
    seq,
    fields: [String(t.ts), t.symbol, String(t.price), String(t.size), t.id],
    line: '',
  }));
  const reference = await referenceFor(
    rows,
    [
      { label: '1m', sizeMs: 60_000, slideMs: 60_000 },
      { label: '5m', sizeMs: 300_000, slideMs: 300_000 },
    ],
    LATENESS_MS,
  );
  expect(reference.late).toEqual([]);
  expectSameBars(await lakeBars(join(dir, 'lake')), reference.bars);

  const second = await replayOnce();
  expect(second).toMatchObject({ batches: 0, records: 0, alreadyPut: 0 });
  expect(await bucket.list(REPLAYED_PREFIX)).toHaveLength(first.batches);
});
