/**
 * `npm run bench -- --only esm-runner`: the local event source mapping's overhead. 10,000 records in
 * one kinesalite shard, read once raw (GetShardIterator + GetRecords as fast as the emulator serves
 * them) and once through `EventSourceMappingRunner` (batches of 1,000 to a handler that only counts),
 * side by side in one process, best of three rounds each. Target: the runner within 1.5× the raw read
 * + 0.5 s, so the local pipeline's speed is the emulator's, not the runner's.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { startLocalAws } from '../../local/aws-stack.js';
import { EventSourceMappingRunner } from '../../local/esm-runner.js';
import { createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { resourceNames } from '../../shared/config.js';
import { formatCount, verdict } from '../harness/report.js';
import type { Suite } from '../harness/suite.js';

const SUITE = 'esm-runner';
const STREAM = 'bench-esm';
const SHARD = 'shardId-000000000000';

export const runEsmRunnerBench: Suite = async ({ quick, log }) => {
  const records = quick ? 2_000 : 10_000;
  const aws = await startLocalAws({ names: resourceNames('benchesm') });
  const kinesis = createKinesisClient(aws.clientConfig);
  try {
    await createStream(kinesis);
    for (let i = 0; i < records; i += 500) {
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          Records: Array.from({ length: Math.min(500, records - i) }, (_, j) => ({
            PartitionKey: `SYM${(i + j) % 50}`,
            Data: Buffer.from(JSON.stringify({ i: i + j })),
          })),
        }),
      );
      if ((out.FailedRecordCount ?? 0) > 0)
        throw new Error(`kinesalite refused ${out.FailedRecordCount} records`);
    }
    let raw = Number.POSITIVE_INFINITY;
    let runner = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      raw = Math.min(raw, await readRaw(kinesis, records));
      runner = Math.min(runner, await readThroughRunner(kinesis, records));
    }
    log(
      `${SUITE}: runner ${formatCount(Math.round(records / runner))} records/s, raw ${formatCount(Math.round(records / raw))}`,
    );
    return {
      suite: SUITE,
      rows: [
        {
          suite: SUITE,
          name: `${formatCount(records)} records from one kinesalite shard: ESM runner vs raw GetRecords`,
          ours: `${runner.toFixed(2)} s (${formatCount(Math.round(records / runner))} records/s)`,
          reference: `${raw.toFixed(2)} s (${formatCount(Math.round(records / raw))} records/s)`,
          ratio: runner / raw,
          target: '≤ 1.5× raw + 0.5 s',
          status: verdict(runner <= raw * 1.5 + 0.5),
          values: { records, runnerSeconds: runner, rawSeconds: raw },
        },
      ],
      notes: ['best of three rounds each, alternating, in one process against one kinesalite'],
    };
  } finally {
    kinesis.destroy();
    await aws.stop();
  }
};

async function createStream(kinesis: KinesisClient): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  for (;;) {
    const { StreamDescriptionSummary: s } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: STREAM }),
    );
    if (s?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function readRaw(kinesis: KinesisClient, records: number): Promise<number> {
  const started = performance.now();
  let iterator = (
    await kinesis.send(
      new GetShardIteratorCommand({ StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }),
    )
  ).ShardIterator;
  for (let read = 0; read < records; ) {
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    read += out.Records!.length;
    iterator = out.NextShardIterator;
  }
  return (performance.now() - started) / 1000;
}

async function readThroughRunner(kinesis: KinesisClient, records: number): Promise<number> {
  let delivered = 0;
  const esm = new EventSourceMappingRunner({
    kinesis,
    pollIntervalMs: 20,
    streamName: STREAM,
    batchSize: 1_000,
    handler: async (e) => {
      delivered += e.Records.length;
    },
  });
  const started = performance.now();
  try {
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 120_000 });
  } finally {
    await esm.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (delivered !== records) throw new Error(`the runner delivered ${delivered} of ${records} records`);
  return seconds;
}
