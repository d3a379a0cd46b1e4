import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Tick } from '../../shared/domain/types.js';

const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/tickflow-ticks';
/** Kinesis sequence numbers are 56-digit decimal strings; this prefix keeps them realistic. */
const SEQUENCE_PREFIX = '4963';

/**
 * Real Lambda Kinesis events (one shard, as an event source mapping delivers them): each tick is one
 * record with its JSON as base64 data, partition key = symbol, increasing sequence numbers and arrival
 * times. Consecutive events continue the same stream.
 */
export function kinesisEvents(ticks: readonly Tick[], recordsPerEvent: number): KinesisStreamEvent[] {
  const events: KinesisStreamEvent[] = [];
  for (let start = 0; start < ticks.length; start += recordsPerEvent) {
    const records: KinesisStreamRecord[] = [];
    for (let i = start; i < Math.min(start + recordsPerEvent, ticks.length); i++)
      records.push(kinesisRecord(ticks[i]!, i));
    events.push({ Records: records });
  }
  return events;
}

function kinesisRecord(tick: Tick, index: number): KinesisStreamRecord {
  const sequenceNumber = SEQUENCE_PREFIX + String(index).padStart(52, '0');
  const payload = { ts: tick.ts, symbol: tick.symbol, price: tick.price, size: tick.size, id: tick.id };
  return {
    awsRegion: 'us-east-1',
    eventID: `${SHARD_ID}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: STREAM_ARN,
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/tickflow-aggregator',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: tick.symbol,
      sequenceNumber,
      // Arrival a few ms after the event time, like a live producer.
      approximateArrivalTimestamp: (tick.ts + 5) / 1000,
      data: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64'),
    },
  };
}
