/**
 * `tickflow dlq replay --kafka` on the local Kafka broker: a consumer whose every invocation fails gives
 * its batches up to the on-failure destination in Lambda's Kafka object format (the local event source
 * mapping's records, written as the local run writes them); the replay puts their records on a topic
 * with their keys, so each key's records arrive in one partition in their order, byte for byte; a
 * second replay sends nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { putOnKafka } from '../../cli/commands/dlq.js';
import { type LocalKafka, startLocalKafka } from '../../local/kafka/index.js';
import { KafkaEventSourceMappingRunner } from '../../local/kafka-esm-runner.js';
import { FailureDestination } from '../../local/run/discarded.js';
import { replayFailedBatches } from '../../shared/adapters/failed-batches/index.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher.js';
import type { KafkaEvent } from '../../shared/adapters/kafka/records.js';

let kafka: LocalKafka;
let dir: string;
beforeAll(async () => {
  kafka = await startLocalKafka();
  dir = await mkdtemp(join(tmpdir(), 'tickflow-dlq-kafka-'));
});
afterAll(async () => {
  await kafka?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

/** Every record of a topic as a local event source mapping reads it: key → [partition, value][] in order. */
async function readTopic(topic: string, group: string, expected: number) {
  const byKey = new Map<string, [number, string][]>();
  let seen = 0;
  const esm = new KafkaEventSourceMappingRunner({
    bootstrap: kafka.bootstrap,
    topic,
    consumerGroupId: group,
    batchSize: 100,
    maximumBatchingWindowMs: 20,
    handler: (event: KafkaEvent) => {
      for (const list of Object.values(event.records))
        for (const r of list) {
          const key = Buffer.from(r.key!, 'base64').toString();
          byKey.set(key, [
            ...(byKey.get(key) ?? []),
            [r.partition, Buffer.from(r.value, 'base64').toString()],
          ]);
          seen++;
        }
    },
  });
  await esm.start();
  await esm.waitUntilIdle({ timeoutMs: 60_000 });
  await esm.stop();
  expect(seen).toBe(expected);
  return byKey;
}

it('puts the failed Kafka batches back on a topic, each key in one partition in its order, and a second replay sends nothing', {
  timeout: 180_000,
}, async () => {
  await createTopic('ticks', 2);
  await createTopic('redriven', 2);
  const T0 = Date.UTC(2024, 2, 4, 9);
  const records = Array.from({ length: 60 }, (_, i) => {
    const symbol = ['AAA', 'BBB', 'CCC'][i % 3]!;
    return {
      partitionKey: symbol,
      payload: { symbol, ts: T0 + i * 500, price: 100 + i, size: 1, id: `${symbol}-${i}` },
    };
  });
  await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic: 'ticks' }).publish(records);

  // An aggregator that cannot write (an outage): every batch is given up on, whole, to the bucket.
  const destination = new FailureDestination(new FileObjectStore(dir));
  const writes: Promise<void>[] = [];
  const esm = new KafkaEventSourceMappingRunner({
    bootstrap: kafka.bootstrap,
    topic: 'ticks',
    consumerGroupId: 'outage',
    batchSize: 25,
    maximumBatchingWindowMs: 20,
    maximumRetryAttempts: 0,
    retryBackoff: { initialMs: 1, maxMs: 5 },
    onFailure: (r) => void writes.push(destination.send('aggregator', r)),
    handler: () => {
      throw new Error('the state table is unreachable');
    },
  });
  await esm.start();
  await esm.waitUntilIdle({ timeoutMs: 60_000 });
  await esm.stop();
  await Promise.all(writes);
  expect(destination.totals().records).toBe(60);

  const store = new FileObjectStore(dir);
  const put = putOnKafka({ bootstrap: kafka.bootstrap }, 'redriven');
  const options = { store, put, target: 'kafka' as const, allowedLatenessMs: 0, now: T0 };
  const first = await replayFailedBatches(options);
  expect(first).toMatchObject({ records: 60, ticks: 60, invalid: [] });
  expect(first.batches).toBeGreaterThan(1);

  const byKey = await readTopic('redriven', 'check', 60);
  for (const symbol of ['AAA', 'BBB', 'CCC']) {
    const got = byKey.get(symbol)!;
    expect(new Set(got.map(([p]) => p)).size).toBe(1);
    expect(got.map(([, v]) => v)).toEqual(
      records.filter((r) => r.partitionKey === symbol).map((r) => JSON.stringify(r.payload)),
    );
  }

  // Replayed batches were moved under replayed/.
  expect(await replayFailedBatches(options)).toMatchObject({ batches: 0, records: 0 });
});
