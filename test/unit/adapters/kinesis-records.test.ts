import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  deaggregate,
  isKplAggregate,
  KplFormatError,
} from '../../../shared/adapters/kinesis/kpl.js';
import { decodeKinesisRecords } from '../../../shared/adapters/kinesis/records.js';
import { compareSequenceNumbers } from '../../../shared/pipeline/sequence.js';

function record(
  data: Uint8Array | string,
  seq = '49590338271490256608559692538361571095921575989136588898',
): KinesisStreamRecord {
  return {
    awsRegion: 'us-east-1',
    eventID: `shardId-000000000003:${seq}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/tickflow-ticks',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/x',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'BTC-USDT',
      sequenceNumber: seq,
      approximateArrivalTimestamp: 1_717_200_000.123,
      data: Buffer.from(data).toString('base64'),
    },
  };
}

describe('Kinesis record decoding', () => {
  it('takes the shard from eventID, the arrival time in ms and the UTF-8 payload', () => {
    const [d] = decodeKinesisRecords([record('{"symbol":"BTC-USDT"}')]);
    expect(d).toEqual({
      shardId: 'shardId-000000000003',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      arrivalTime: 1_717_200_000_123,
      payloads: ['{"symbol":"BTC-USDT"}'],
    });
  });

  it('splits a KPL aggregated record into its user records, in order', () => {
    const enc = new TextEncoder();
    const bytes = aggregate([
      { partitionKey: 'EUR/USD', data: enc.encode('{"n":1}') },
      { partitionKey: 'XAU:USD', data: enc.encode('{"n":2}') },
      { partitionKey: 'EUR/USD', data: enc.encode('{"n":3}') },
    ]);
    expect(isKplAggregate(bytes)).toBe(true);
    expect(deaggregate(bytes).map((u) => u.partitionKey)).toEqual(['EUR/USD', 'XAU:USD', 'EUR/USD']);
    expect(decodeKinesisRecords([record(bytes)])[0]!.payloads).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('a KPL record whose digest does not match is kept as base64 for the quarantine, not dropped', () => {
    const bytes = aggregate([{ partitionKey: 'A', data: new TextEncoder().encode('{}') }]);
    bytes[bytes.length - 1]! ^= 0xff;
    expect(() => deaggregate(bytes)).toThrow(KplFormatError);
    const [d] = decodeKinesisRecords([record(bytes)]);
    expect(d!.payloads[0]).toMatch(/^base64:/);
  });

  it('bytes that are not UTF-8 become a base64 payload that fails validation', () => {
    const [d] = decodeKinesisRecords([record(Uint8Array.of(0xff, 0xfe, 0x00))]);
    expect(d!.payloads).toEqual(['base64://4A']);
  });

  it('sequence numbers compare numerically, whatever their length', () => {
    expect(compareSequenceNumbers('9', '10')).toBeLessThan(0);
    expect(
      compareSequenceNumbers(
        '49590338271490256608559692538361571095921575989136588898',
        '49590338271490256608559692538361571095921575989136588899',
      ),
    ).toBeLessThan(0);
    expect(compareSequenceNumbers('123', '123')).toBe(0);
  });
});
