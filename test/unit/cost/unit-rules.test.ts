/**
 * Each billing-unit rule of shared/cost/ against the worked examples of the page that states it.
 */
import { describe, expect, it } from 'vitest';
import {
  failedConditionalWriteUnits,
  gbSeconds,
  itemSize,
  keyspacesReadUnits,
  keyspacesRowSize,
  keyspacesWriteUnits,
  numberSize,
  onDemandBilledBytes,
  putPayloadUnits,
  readUnits,
  s3RequestClass,
  writeUnits,
} from '../../../shared/cost/index.js';

const KB = 1024;

describe('DynamoDB', () => {
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
  it('rounds reads up to 4 KB: a 3,500-byte item costs what a 4 KB item does', () => {
    expect(readUnits(3500, true)).toBe(1);
    expect(readUnits(4 * KB, true)).toBe(1);
  });

  it('an 8 KB item: 2 units strongly consistent, 1 eventually consistent', () => {
    expect(readUnits(8 * KB, true)).toBe(2);
    expect(readUnits(8 * KB, false)).toBe(1);
  });

  it('a 10 KB GetItem is rounded to 12 KB; BatchGetItem rounds each item (1.5 KB + 6.5 KB = 12 KB)', () => {
    expect(readUnits(10 * KB, true)).toBe(3);
    expect(readUnits(1.5 * KB, true) + readUnits(6.5 * KB, true)).toBe(3);
  });

  // https://aws.amazon.com/dynamodb/pricing/provisioned/ (key terms)
  it('writes: 1 KB is one unit, 3 KB three, a transactional 3 KB write six', () => {
    expect(writeUnits(1 * KB)).toBe(1);
    expect(writeUnits(3 * KB)).toBe(3);
    expect(writeUnits(3 * KB, true)).toBe(6);
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1 * KB + 1)).toBe(2);
  });

  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
  it('sizes an item as names plus values: strings in UTF-8 bytes, numbers one byte per two digits plus one', () => {
    expect(numberSize('12345')).toBe(4); // 5 significant digits → 3 bytes + 1
    expect(numberSize('0.00100')).toBe(2); // leading and trailing zeros trimmed: "1"
    expect(numberSize('-1200')).toBe(2);
    expect(itemSize({ id: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ é: { S: 'ü' } })).toBe(2 + 2);
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ ok: { BOOL: true }, none: { NULL: true } })).toBe(2 + 1 + 4 + 1);
    expect(itemSize({ b: { B: new Uint8Array(10) } })).toBe(1 + 10);
  });

  it('lists and maps carry 3 bytes plus 1 per element', () => {
    expect(itemSize({ l: { L: [{ S: 'ab' }, { N: '1' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemSize({ m: { M: {} } })).toBe(1 + 3);
    expect(itemSize({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + 1 + 1 + 1);
  });
});

describe('Kinesis Data Streams', () => {
  // https://aws.amazon.com/kinesis/pricing/ (provisioned: PUT payload units)
  it('counts PUT payload units in 25 KB chunks: 5 KB → 1, 45 KB → 2, 1 MB → 40', () => {
    expect(putPayloadUnits(5 * KB)).toBe(1);
    expect(putPayloadUnits(45 * KB)).toBe(2);
    // The page's "1 MB" is 1,000 KB (40 × 25 KB); a full 1 MiB record is 41 units.
    expect(putPayloadUnits(1000 * KB)).toBe(40);
    expect(putPayloadUnits(1024 * KB)).toBe(41);
    expect(putPayloadUnits(1)).toBe(1);
  });

  // https://aws.amazon.com/kinesis/data-streams/pricing/ (on-demand: Data-In)
  it('on-demand rounds each record up to 1 KB: a 4.5 KB record is billed as 5 KB', () => {
    expect(onDemandBilledBytes(4.5 * KB)).toBe(5 * KB);
    expect(onDemandBilledBytes(1)).toBe(KB);
  });
});

describe('S3', () => {
  // https://aws.amazon.com/s3/pricing/ (requests and data retrievals)
  it('puts PUT, COPY, POST and LIST in one class, GET and the rest in another, DELETE in none', () => {
    for (const op of [
      'PutObject',
      'CopyObjectCommand',
      'ListObjectsV2',
      'CompleteMultipartUpload',
      'UploadPart',
    ]) {
      expect(s3RequestClass(op), op).toBe('putCopyPostList');
    }
    for (const op of ['GetObject', 'HeadObjectCommand', 'GetBucketLocation']) {
      expect(s3RequestClass(op), op).toBe('getAndOther');
    }
    expect(s3RequestClass('DeleteObjects')).toBe('free');
    expect(s3RequestClass('DeleteObject')).toBe('free');
  });
});

describe('Lambda', () => {
  // https://aws.amazon.com/lambda/pricing/: duration rounded up to the nearest 1 ms, times memory.
  it('bills 512 MB for 300 ms as 0.15 GB-s, and rounds durations up to the next millisecond', () => {
    expect(gbSeconds(300, 512)).toBeCloseTo(0.15, 12);
    expect(gbSeconds(1.0001, 1024)).toBeCloseTo(0.002, 12);
    expect(gbSeconds(1000, 1024)).toBe(1);
  });
});

describe('Amazon Keyspaces', () => {
  // https://docs.aws.amazon.com/keyspaces/latest/devguide/lightweight_transactions.html
  it('a failed lightweight transaction consumes the existing row: 2 KB → 2 units; no row → 1', () => {
    expect(failedConditionalWriteUnits(2 * KB)).toBe(2);
    expect(failedConditionalWriteUnits(undefined)).toBe(1);
  });

  // https://docs.aws.amazon.com/keyspaces/latest/devguide/calculating-row-size.html
  it('stores key columns twice with their metadata and adds a column id to every value', () => {
    const size = keyspacesRowSize({
      partitionKey: [{ type: 'text', value: 'EURUSD' }],
      clustering: [{ type: 'timestamp', value: 0 }],
      regular: [
        { type: 'double', value: 1.5 },
        { type: 'int', value: 12345 },
        { type: 'boolean', value: true },
        { type: 'double', value: null },
      ],
    });
    const partition = 2 * 6 + 3 + 1; // value twice, 3 bytes metadata, column id
    const clustering = 2 * 8 + 2 + 1; // value twice, 1 byte per 5 bytes of value, column id
    const regular = 8 + 1 + (4 + 1) + (1 + 1) + (1 + 1); // int 12345: 3 bytes + 1; null 1 byte
    expect(size).toBe(partition + clustering + regular);
  });

  it('writes one unit per started KB; LOCAL_QUORUM reads one per 4 KB, LOCAL_ONE half', () => {
    expect(keyspacesWriteUnits(1 * KB)).toBe(1);
    expect(keyspacesWriteUnits(1 * KB + 1)).toBe(2);
    // A query returning 4 rows of 2 KB (8 KB): 2 units at LOCAL_QUORUM, 1 at LOCAL_ONE.
    expect(keyspacesReadUnits(8 * KB)).toBe(2);
    expect(keyspacesReadUnits(8 * KB, true)).toBe(1);
  });
});
