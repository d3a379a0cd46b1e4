/**
 * The idle flush end to end on the local AWS: a symbol goes quiet with an open window; the idle
 * flush puts a watermark mark on the real (kinesalite) stream; the event source mapping delivers it
 * to the aggregator like any record, which closes the window. The bronze layer skips the mark.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAggregatorHandler } from '../../functions/aggregator/handler.js';
import { type LocalAws, pipelineResources, startLocalAws } from '../../local/aws-stack.js';
import { EventSourceMappingRunner } from '../../local/esm-runner.js';
import { createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { decodeKinesisRecords } from '../../shared/adapters/kinesis/records.js';
import { KinesisPublisher, putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import { aggregatorConfig, parseIntervals } from '../../shared/domain/index.js';
import { stageBatch } from '../../shared/pipeline/bronze/staged-ticks.js';

const T0 = Date.UTC(2024, 0, 1);
let aws: LocalAws;
let runner: EventSourceMappingRunner | undefined;

beforeAll(async () => {
  aws = await startLocalAws({ shards: 2 });
});
afterAll(async () => {
  await runner?.stop();
  await aws?.stop();
});

it('a quiet symbol’s window closes when the aggregator reads the idle flush’s mark from the stream', {
  timeout: 60_000,
}, async () => {
  const pipeline = wirePipeline({
    aws: aws.clientConfig,
    ...pipelineResources(aws.names),
    // No lateness, so a second of quiet moves the watermark past the minute the ticks are in.
    engine: aggregatorConfig({ intervals: parseIntervals(['1m']), allowedLatenessMs: 0 }),
    idleTimeoutMs: 1_000,
  });
  const kinesis = createKinesisClient(aws.clientConfig);
  // The deployed handler, as the local run calls it.
  const aggregator = createAggregatorHandler(pipeline.service, () => undefined);
  let bronzeTicks = 0;
  runner = new EventSourceMappingRunner({
    kinesis,
    streamName: aws.names.tickStream,
    functionName: 'tickflow-aggregator',
    batchSize: 100,
    handler: (event) => {
      for (const ticks of stageBatch(decodeKinesisRecords(event.Records)).byShard.values()) {
        bronzeTicks += ticks.length;
      }
      return aggregator(event);
    },
  });
  await runner.start();

  const putRecords = putRecordsWith(kinesis);
  await new KinesisPublisher({ streamName: aws.names.tickStream, putRecords }).publish(
    ['ETH', 'BTC'].flatMap((symbol) =>
      [57_000, 58_000, 59_000].map((offset, i) => ({
        partitionKey: symbol,
        payload: { symbol, ts: T0 + offset, price: 100 + i, size: 1 },
      })),
    ),
  );
  await runner.waitUntilIdle();
  const counters = async () =>
    Object.fromEntries(
      [...(await pipeline.state.load(['ETH', 'BTC']))].map(([symbol, s]) => [
        symbol,
        s.counters.bars['1m'] ?? 0,
      ]),
    );
  expect(await counters()).toEqual({ ETH: 0, BTC: 0 });

  await new Promise((r) => setTimeout(r, 1_500));
  const marks = await pipeline.service.idleWatermarks();
  expect(marks.map((m) => m.symbol).sort()).toEqual(['BTC', 'ETH']);
  expect(await counters()).toEqual({ ETH: 0, BTC: 0 }); // computing marks closes nothing
  await publishWatermarkMarks(putRecords, aws.names.tickStream, marks);
  await runner.waitUntilIdle();

  expect(await counters()).toEqual({ ETH: 1, BTC: 1 });
  expect(await pipeline.service.idleWatermarks()).toEqual([]);
  expect(bronzeTicks).toBe(6);
  expect(runner.stats.failuresToDestination).toBe(0);
});
