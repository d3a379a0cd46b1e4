/**
 * The Kafka path on a real broker (Apache Kafka in KRaft mode from Maven Central, local/kafka): the
 * publisher keys ticks by symbol through an idempotent producer, the local Kafka event source mapping
 * delivers them with Lambda's semantics (per-partition order, offsets committed only after success,
 * retries, bisect, partial batch responses, on-failure records that keep the whole records), and the
 * aggregator's bars equal those of one instance applying the records alone — also when invocations
 * fail before or after their writes, and when a rebalance hands partitions to a second instance
 * while the first is still writing.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MSKRecord } from 'aws-lambda';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produce } from '../../cli/commands/produce.js';
import { createAggregatorHandler } from '../../functions/aggregator/handler.js';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { isJavaAvailable } from '../../local/jvm/index.js';
import { type LocalKafka, startLocalKafka } from '../../local/kafka/index.js';
import { KafkaEventSourceMappingRunner, type KafkaOnFailureRecord } from '../../local/kafka-esm-runner.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo/state-store.js';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher.js';
import { decodeKafkaRecords, type KafkaEvent } from '../../shared/adapters/kafka/records.js';
import { InMemoryOutputStore, InMemoryStateStore } from '../../shared/adapters/memory/stores.js';
import { aggregatorConfig, type Bar, parseIntervals } from '../../shared/domain/index.js';
import { AggregationService } from '../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../shared/pipeline/domain-engine.js';
import type { OutputStore, StateStore, StoredSymbolState } from '../../shared/pipeline/ports.js';
import type { DecodedRecord } from '../../shared/pipeline/record-decoder.js';
import { MarketSimulator } from '../../shared/producer/simulator.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import { createRandom } from '../../shared/random.js';

const config = aggregatorConfig({ intervals: parseIntervals(['1m', '5m_1m']), allowedLatenessMs: 60_000 });
let kafka: LocalKafka;

beforeAll(async () => {
  kafka = await startLocalKafka();
});
afterAll(async () => {
  await kafka?.stop();
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

function simulated(ticks: number, seed: string): ProducerRecord[] {
  return [
    ...new MarketSimulator({
      symbols: 6,
      ticks,
      seed,
      outOfOrder: { fraction: 0.1, maxDelayMs: 90_000 },
      duplicates: { fraction: 0.05 },
    }).records(),
  ];
}

/** One instance applying every record in publish order: per symbol, the order Kafka keeps. */
async function reference(records: readonly ProducerRecord[]) {
  const outputs = new InMemoryOutputStore();
  const svc = new AggregationService({
    state: new InMemoryStateStore(),
    outputs,
    engine: domainEngineFactory(config),
    now: () => 5,
  });
  const decoded: DecodedRecord[] = records.map((r, i) => ({
    shardId: 'all',
    sequenceNumber: String(i),
    arrivalTime: 0,
    payloads: [typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload)],
  }));
  await svc.processBatch(decoded);
  await svc.flushAll();
  return outputs.bars;
}

function service(state: StateStore, outputs: OutputStore) {
  return new AggregationService({ state, outputs, engine: domainEngineFactory(config), now: () => 5 });
}

const barKey = (b: Bar) => `${b.symbol} ${b.interval} ${b.windowStart}`;

describe.skipIf(!isJavaAvailable())('the Kafka event source mapping on a local broker', () => {
  it('delivers each partition in order and commits only what succeeded: bars equal one clean pass despite failures', async () => {
    await createTopic('chaos', 4);
    const records = simulated(3_000, 'chaos');
    await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic: 'chaos', maxTicksPerRecord: 5 }).publish(
      records,
    );

    const outputs = new InMemoryOutputStore();
    const svc = service(new InMemoryStateStore(), outputs);
    const handler = createAggregatorHandler(svc, () => {});
    const random = createRandom('kafka-chaos');
    const partitionsOf = new Map<string, Set<string>>();
    const lastOffset = new Map<string, number>();
    let regressions = 0;
    const esm = new KafkaEventSourceMappingRunner({
      bootstrap: kafka.bootstrap,
      topic: 'chaos',
      consumerGroupId: 'chaos',
      batchSize: 17,
      maximumBatchingWindowMs: 20,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      retryBackoff: { initialMs: 1, maxMs: 20 },
      chaos: { seed: 3, resplit: true },
      handler: async (event: KafkaEvent) => {
        for (const r of decodeKafkaRecords(event)) {
          for (const p of r.payloads) {
            const symbol = JSON.parse(p) as { symbol?: string } | { symbol?: string }[] as {
              symbol?: string;
            };
            const s = Array.isArray(symbol) ? symbol[0]?.symbol : symbol.symbol;
            if (s) (partitionsOf.get(s) ?? partitionsOf.set(s, new Set()).get(s)!).add(r.shardId);
          }
        }
        // A third of the invocations fail, half of them after the writes took effect.
        const roll = random.next();
        if (roll < 0.15) throw new Error('injected failure before the handler');
        const response = await handler(event);
        if (roll < 0.3) throw new Error('injected failure after the handler');
        return response;
      },
      onBatch: (o) => {
        if (o.result !== 'success') return;
        const first = Number(o.firstOffset);
        if (first < (lastOffset.get(o.partition) ?? -1) + 1 - o.size) regressions++;
        lastOffset.set(o.partition, Math.max(lastOffset.get(o.partition) ?? -1, Number(o.lastOffset)));
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 120_000 });
    await esm.stop();
    await svc.flushAll();

    expect(esm.stats.functionErrors).toBeGreaterThan(10);
    expect(esm.stats.bisections).toBeGreaterThan(0);
    expect(esm.stats.recordsToDestination).toBe(0);
    expect(regressions).toBe(0);
    for (const parts of partitionsOf.values()) expect(parts.size).toBe(1); // key = symbol: one partition each
    expect(new Set([...partitionsOf.values()].map((p) => [...p][0])).size).toBeGreaterThan(1);
    const expected = await reference(records);
    expect(outputs.bars.size).toBe(expected.size);
    for (const bar of outputs.bars.values()) expect(bar).toEqual(expected.get(barKey(bar)));
  });

  it('discards a poison record to the on-failure destination with the whole record after the retries, and goes on', async () => {
    await createTopic('poison', 1);
    const values = Array.from({ length: 40 }, (_, i) => (i === 17 ? 'poison' : `ok-${i}`));
    await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic: 'poison' }).publish(
      values.map((v) => ({ partitionKey: 'k', payload: v })),
    );
    const seen: string[] = [];
    const failures: KafkaOnFailureRecord[] = [];
    const esm = new KafkaEventSourceMappingRunner({
      bootstrap: kafka.bootstrap,
      topic: 'poison',
      consumerGroupId: 'poison',
      batchSize: 10,
      maximumBatchingWindowMs: 20,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      retryBackoff: { initialMs: 1, maxMs: 5 },
      onFailure: (r) => void failures.push(r),
      handler: (event: KafkaEvent) => {
        const payloads = decodeKafkaRecords(event).map((r) => r.payloads[0]!);
        if (payloads.includes('poison')) throw new Error('cannot process');
        seen.push(...payloads);
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 60_000 });
    await esm.stop();

    expect(failures).toHaveLength(1);
    const [failure] = failures;
    expect(failure!.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(failure!.KafkaBatchInfo.recordsInfo).toEqual({
      'poison-0': expect.objectContaining({ firstRecordOffset: '17', lastRecordOffset: '17' }),
    });
    const kept = failure!.payload.records['poison-0'] as MSKRecord[];
    expect(Buffer.from(kept[0]!.value, 'base64').toString()).toBe('poison');
    expect(seen.sort()).toEqual(values.filter((v) => v !== 'poison').sort());
  });

  it('tickflow produce --kafka publishes every tick, each symbol to one partition, in order (packed past 1 MB a request)', async () => {
    await createTopic('produced', 3);
    const { publish } = await produce(
      {
        kafka: kafka.bootstrap,
        topic: 'produced',
        simulate: true,
        symbols: '5',
        ticks: 30_000,
        seed: 'p',
        maxDelay: 5_000,
        pack: 100,
        ordering: 'strict',
      },
      () => {},
    );
    expect(publish.ticks).toBe(30_000);
    // 30,000 ticks of ~100 bytes in one planned request: over the broker's 1 MB batch limit unless split.
    expect(publish.requests).toBeGreaterThan(1);
    const seen = new Map<string, { partition: number; ts: number[] }>();
    const esm = new KafkaEventSourceMappingRunner({
      bootstrap: kafka.bootstrap,
      topic: 'produced',
      consumerGroupId: 'produced',
      batchSize: 500,
      maximumBatchingWindowMs: 20,
      handler: (event: KafkaEvent) => {
        for (const records of Object.values(event.records)) {
          for (const r of records) {
            const parsed = JSON.parse(Buffer.from(r.value, 'base64').toString());
            for (const tick of (Array.isArray(parsed) ? parsed : [parsed]) as {
              symbol: string;
              ts: number;
            }[]) {
              expect(Buffer.from(r.key, 'base64').toString()).toBe(tick.symbol);
              const entry = seen.get(tick.symbol) ?? { partition: r.partition, ts: [] };
              expect(entry.partition).toBe(r.partition);
              entry.ts.push(tick.ts);
              seen.set(tick.symbol, entry);
            }
          }
        }
      },
    });
    await esm.start();
    await esm.waitUntilIdle({ timeoutMs: 30_000 });
    await esm.stop();
    expect([...seen.values()].reduce((n, e) => n + e.ts.length, 0)).toBe(30_000);
    expect(seen.size).toBe(5);
    // No out-of-order injection was asked for: each symbol's ticks arrive in event-time order.
    for (const { ts } of seen.values()) expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  describe('racing consumers', () => {
    let aws: LocalAws;
    beforeAll(async () => {
      aws = await startLocalAws({ shards: 1 });
    });
    afterAll(async () => {
      await aws?.stop();
    });

    async function scan(table: string): Promise<Record<string, unknown>[]> {
      const doc = createDocumentClient(aws.clientConfig);
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const res = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        items.push(...(res.Items ?? []));
        start = res.LastEvaluatedKey;
      } while (start);
      return items;
    }

    it('a rebalance hands the partitions to a second instance while the first still writes: state never regresses, no bar doubled', async () => {
      await createTopic('race', 2);
      const records = simulated(1_500, 'race');
      await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic: 'race', maxTicksPerRecord: 3 }).publish(
        records,
      );

      const doc = createDocumentClient(aws.clientConfig);
      const committed: StoredSymbolState[] = [];
      const observed = (hold?: Promise<void>): StateStore => {
        const inner = new DynamoStateStore(doc, aws.names.stateTable, aws.names.seenIdsTable);
        return {
          load: async (symbols) => {
            const loaded = await inner.load(symbols);
            await hold;
            return loaded;
          },
          loadSeenIds: (s) => inner.loadSeenIds(s),
          commit: async (next, ids) => {
            await inner.commit(next, ids);
            committed.push(next);
          },
          scan: () => inner.scan(),
        };
      };
      const outputs = new DynamoOutputStore(doc, aws.names.outputTable);
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let firstStalled!: () => void;
      const stalled = new Promise<void>((r) => {
        firstStalled = r;
      });
      const zombieService = service(observed(released), outputs);
      let zombieConflicts = 0;
      const zombieHandler = createAggregatorHandler(zombieService, (r) => {
        zombieConflicts += r.stateConflicts;
      });
      const live = service(observed(), outputs);
      const common = {
        bootstrap: kafka.bootstrap,
        topic: 'race',
        consumerGroupId: 'race',
        batchSize: 50,
        maximumBatchingWindowMs: 20,
        bisectBatchOnFunctionError: true,
        reportBatchItemFailures: true,
        retryBackoff: { initialMs: 1, maxMs: 20 },
        groupTimeouts: { sessionMs: 6_000, rebalanceMs: 6_000 },
      } as const;
      // The first instance takes every partition, then stalls inside its first invocations (after
      // reading the state) longer than the session: the group gives its partitions to the second one.
      const first = new KafkaEventSourceMappingRunner({
        ...common,
        handler: (event: KafkaEvent) => {
          firstStalled();
          return zombieHandler(event);
        },
      });
      await first.start();
      await stalled;
      const second = new KafkaEventSourceMappingRunner({
        ...common,
        handler: createAggregatorHandler(live, () => {}),
      });
      await second.start();
      await second.waitUntilIdle({ timeoutMs: 120_000 });
      // Now the zombie writes what it computed from stale state.
      release();
      await new Promise((r) => setTimeout(r, 2_000));
      await first.stop();
      await second.stop();
      await live.flushAll();

      // The zombie's state commits lost to the live instance's, and Kafka refused its offset commits.
      expect(zombieConflicts).toBeGreaterThan(0);
      expect(first.lostPartitions).toBeGreaterThan(0);
      for (const symbol of new Set(committed.map((s) => s.symbol))) {
        const history = committed.filter((s) => s.symbol === symbol).sort((a, b) => a.version - b.version);
        expect(new Set(history.map((s) => s.version)).size).toBe(history.length);
        for (const [shard, seq] of Object.entries(history.at(-1)!.applied)) {
          const applied = history.map((s) => Number(s.applied[shard] ?? -1));
          expect(applied).toEqual([...applied].sort((a, b) => a - b));
          expect(Number(seq)).toBeGreaterThanOrEqual(0);
        }
      }
      const expected = await reference(records);
      const bars = (await scan(aws.names.outputTable)).filter((i) => String(i.pk).startsWith('bar|'));
      expect(bars.length).toBe(expected.size);
      for (const item of bars) {
        const ref = expected.get(`${item.symbol} ${item.interval} ${item.window_start}`)!;
        expect([item.open, item.high, item.low, item.close, item.volume, item.trade_count]).toEqual([
          ref.open,
          ref.high,
          ref.low,
          ref.close,
          ref.volume,
          ref.tradeCount,
        ]);
      }
    });
  });
});
