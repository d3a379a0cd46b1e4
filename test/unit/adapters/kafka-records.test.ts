/**
 * The Kafka transport: Lambda's MSK and self-managed Kafka events decode into the same records the
 * aggregation service and the bronze writer apply as Kinesis events do, keyed (topic-partition,
 * offset), and partial batch failures name partition and offset.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAggregatorHandler } from '../../../functions/aggregator/handler.js';
import { toKafkaEvent, toKafkaRecord } from '../../../local/esm/kafka-events.js';
import { decodeKafkaRecords } from '../../../shared/adapters/kafka/records.js';
import { InMemoryOutputStore, InMemoryStateStore } from '../../../shared/adapters/memory/stores.js';
import { batchResponse, decodeStreamEvent } from '../../../shared/adapters/stream-event.js';
import { aggregatorConfig, parseIntervals } from '../../../shared/domain/index.js';
import { AggregationService } from '../../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../../shared/pipeline/domain-engine.js';

const T0 = Date.UTC(2024, 0, 1);
const SELF = { kind: 'self-managed', bootstrapServers: '127.0.0.1:9092' } as const;
const MSK = {
  kind: 'msk',
  clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/ticks/abc',
  bootstrapServers: 'b-1.ticks.kafka.eu-west-1.amazonaws.com:9098',
} as const;

const message = (partition: number, offset: number, value: string | Buffer | null, ts = T0) =>
  toKafkaRecord({
    topic: 'ticks',
    partition,
    offset,
    timestamp: ts,
    key: Buffer.from('BTC-USDT'),
    value: value === null ? null : Buffer.from(value),
    headers: { source: 'feed-a' },
  });

describe('Kafka record decoding', () => {
  it('keys each record by topic-partition and offset, takes the Kafka timestamp as arrival time and the UTF-8 value', () => {
    const event = toKafkaEvent([message(3, 41, '{"symbol":"BTC-USDT"}', T0 + 5)], MSK);
    expect(event.eventSource).toBe('aws:kafka');
    expect(Object.keys(event.records)).toEqual(['ticks-3']);
    expect(event.records['ticks-3']![0]!.headers).toEqual([{ source: [...Buffer.from('feed-a')] }]);
    expect(decodeKafkaRecords(event)).toEqual([
      { shardId: 'ticks-3', sequenceNumber: '41', arrivalTime: T0 + 5, payloads: ['{"symbol":"BTC-USDT"}'] },
    ]);
  });

  it('keeps offset order within each partition even when the event lists them out of order', () => {
    const event = toKafkaEvent(
      [message(0, 10, 'a'), message(1, 7, 'b'), message(0, 9, 'c'), message(1, 8, 'd')],
      SELF,
    );
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect(decodeKafkaRecords(event).map((r) => `${r.shardId}@${r.sequenceNumber}:${r.payloads[0]}`)).toEqual(
      ['ticks-0@9:c', 'ticks-0@10:a', 'ticks-1@7:b', 'ticks-1@8:d'],
    );
  });

  it('a value that is not UTF-8 is kept as base64 and a record without a value as an empty payload, for the quarantine', () => {
    const event = toKafkaEvent([message(0, 1, Buffer.from([0xff, 0xfe, 0x00])), message(0, 2, null)], SELF);
    expect(event.records['ticks-0']![1]).not.toHaveProperty('value');
    expect(decodeKafkaRecords(event).map((r) => r.payloads[0])).toEqual(['base64://4A', '']);
  });

  it('offsets past 9 compare as numbers, so a redelivered offset 9 is behind an applied offset 10', () => {
    const [nine, ten] = decodeKafkaRecords(toKafkaEvent([message(0, 9, 'x'), message(0, 10, 'y')], SELF));
    expect(nine!.sequenceNumber.length).toBeLessThan(ten!.sequenceNumber.length);
  });
});

describe('partial batch responses', () => {
  it('Kafka: one failure per partition, at its lowest failed offset', () => {
    const event = toKafkaEvent([message(0, 1, 'x'), message(1, 1, 'y')], SELF);
    const response = batchResponse(event, [
      { shardId: 'ticks-0', sequenceNumber: '12' },
      { shardId: 'ticks-1', sequenceNumber: '7' },
      { shardId: 'ticks-0', sequenceNumber: '9' },
    ]);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: 'ticks-0', offset: 9 } },
      { itemIdentifier: { partition: 'ticks-1', offset: 7 } },
    ]);
  });

  it('Kinesis: the sequence numbers, as before', () => {
    const event: KinesisStreamEvent = { Records: [] };
    expect(batchResponse(event, [{ shardId: 'shardId-0', sequenceNumber: '4959' }])).toEqual({
      batchItemFailures: [{ itemIdentifier: '4959' }],
    });
  });
});

describe('one pipeline, two transports', () => {
  const ticks = Array.from({ length: 300 }, (_, i) => ({
    symbol: i % 3 === 0 ? 'EUR/USD' : 'BTC-USDT',
    ts: T0 + i * 997,
    price: 100 + (i % 11),
    size: 1 + (i % 4),
    id: `t${i}`,
  }));

  async function barsThrough(events: readonly Parameters<ReturnType<typeof createAggregatorHandler>>[0][]) {
    const outputs = new InMemoryOutputStore();
    const service = new AggregationService({
      state: new InMemoryStateStore(),
      outputs,
      engine: domainEngineFactory(
        aggregatorConfig({ intervals: parseIntervals(['1m', '5m']), allowedLatenessMs: 60_000 }),
      ),
      now: () => T0,
    });
    const handler = createAggregatorHandler(service, () => {});
    for (const event of events) expect((await handler(event)).batchItemFailures).toEqual([]);
    await service.flushAll();
    return [...outputs.bars.values()].sort((a, b) =>
      `${a.symbol}${a.interval}${a.windowStart}`.localeCompare(`${b.symbol}${b.interval}${b.windowStart}`),
    );
  }

  it('the same ticks give the same bars from Kinesis records and from Kafka records in two partitions', async () => {
    const kinesis: KinesisStreamEvent = {
      Records: ticks.map((t, i) => ({
        awsRegion: 'eu-west-1',
        eventID: `shardId-000000000000:${4_960_000 + i}`,
        eventName: 'aws:kinesis:record',
        eventSource: 'aws:kinesis',
        eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/ticks',
        eventVersion: '1.0',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/x',
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: t.symbol,
          sequenceNumber: String(4_960_000 + i),
          approximateArrivalTimestamp: T0 / 1000,
          data: Buffer.from(JSON.stringify(t)).toString('base64'),
        },
      })),
    };
    // Kafka: each symbol in its own partition (key = symbol), 50 records per invocation.
    const offsets = new Map<string, number>();
    const records = ticks.map((t) => {
      const partition = t.symbol === 'EUR/USD' ? 0 : 1;
      const offset = offsets.get(t.symbol) ?? 0;
      offsets.set(t.symbol, offset + 1);
      return toKafkaRecord({
        topic: 'ticks',
        partition,
        offset,
        timestamp: T0,
        key: Buffer.from(t.symbol),
        value: Buffer.from(JSON.stringify(t)),
      });
    });
    const kafkaEvents = Array.from({ length: 6 }, (_, b) =>
      toKafkaEvent(records.slice(b * 50, b * 50 + 50), MSK),
    );

    const fromKinesis = await barsThrough([kinesis]);
    const fromKafka = await barsThrough(kafkaEvents);
    expect(fromKinesis.length).toBeGreaterThan(10);
    expect(fromKafka).toEqual(fromKinesis);
    expect(decodeStreamEvent(kafkaEvents[0]!).every((r) => r.shardId.startsWith('ticks-'))).toBe(true);
  });
});
