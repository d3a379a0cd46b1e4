/**
 * The SDK metering middleware of the client factories against the local emulators: DynamoDB units
 * agree with our own item-size rules (dynalite returns ConsumedCapacity computed the same way), a
 * failed conditional write is billed, Kinesis records become PUT payload units, and S3 requests fall
 * into their classes with the bytes stored tracked through overwrites and deletes.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import {
  createDocumentClient,
  createKinesisClient,
  createS3Client,
} from '../../shared/adapters/aws-clients.js';
import { UsageMeter } from '../../shared/adapters/cost/usage-meter.js';
import { itemSize, putPayloadUnits, readUnits, writeUnits } from '../../shared/cost/index.js';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ shards: 1 });
}, 60_000);
afterAll(async () => {
  await aws?.stop();
});

describe('DynamoDB metering', () => {
  it('counts the write units our item-size rule gives, for small and multi-KB items', async () => {
    const meter = new UsageMeter();
    const doc = createDocumentClient({ ...aws.clientConfig, meter });
    const items = [
      { symbol: 'A', v: 1 },
      { symbol: 'B', blob: 'x'.repeat(3000) },
      { symbol: 'C', blob: 'y'.repeat(10_000), n: 123.45, list: [1, 'two', { three: true }] },
    ];
    let expected = 0;
    for (const item of items) {
      await doc.send(new PutCommand({ TableName: aws.names.stateTable, Item: item }));
      expected += writeUnits(itemSize(marshall(item)));
    }
    expect(meter.snapshot()['dynamodb.writeUnits']).toBe(expected);
    expect(expected).toBe(1 + 3 + 10);

    await doc.send(
      new GetCommand({ TableName: aws.names.stateTable, Key: { symbol: 'C' }, ConsistentRead: true }),
    );
    expect(meter.snapshot()['dynamodb.readUnits']).toBe(readUnits(itemSize(marshall(items[2]!)), true));
    doc.destroy();
  });

  it('bills a conditional write whose condition failed', async () => {
    const meter = new UsageMeter();
    const doc = createDocumentClient({ ...aws.clientConfig, meter });
    const item = { symbol: 'D', blob: 'z'.repeat(1500) };
    await doc.send(new PutCommand({ TableName: aws.names.stateTable, Item: item }));
    await expect(
      doc.send(
        new PutCommand({
          TableName: aws.names.stateTable,
          Item: item,
          ConditionExpression: 'attribute_not_exists(symbol)',
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    const usage = meter.snapshot();
    expect(usage['dynamodb.conditionalFailures']).toBe(1);
    expect(usage['dynamodb.writeUnits']).toBe(2 * writeUnits(itemSize(marshall(item))));
    expect(usage['dynamodb.requests']).toBe(2);
    doc.destroy();
  });

  it('bills a Query by the summed size of what it returns', async () => {
    const meter = new UsageMeter();
    const doc = createDocumentClient({ ...aws.clientConfig, meter });
    const rows = [1, 2, 3].map((i) => ({ pk: 'q', sk: `s${i}`, blob: 'w'.repeat(1500) }));
    for (const row of rows) await doc.send(new PutCommand({ TableName: aws.names.outputTable, Item: row }));
    const before = meter.snapshot()['dynamodb.readUnits'];
    await doc.send(
      new QueryCommand({
        TableName: aws.names.outputTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'q' },
      }),
    );
    const summed = rows.reduce((a, r) => a + itemSize(marshall(r)), 0);
    expect(meter.snapshot()['dynamodb.readUnits'] - before).toBe(readUnits(summed, false));
    doc.destroy();
  });
});

describe('Kinesis metering', () => {
  it('counts records, bytes and PUT payload units of accepted records', async () => {
    const meter = new UsageMeter();
    const kinesis = createKinesisClient({ ...aws.clientConfig, meter });
    const data = [new Uint8Array(100), new Uint8Array(30 * 1024)];
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: aws.names.tickStream,
        Records: data.map((Data, i) => ({ Data, PartitionKey: `k${i}` })),
      }),
    );
    const usage = meter.snapshot();
    expect(usage['kinesis.records']).toBe(2);
    expect(usage['kinesis.putRequests']).toBe(1);
    expect(usage['kinesis.bytesIn']).toBe(100 + 2 + 30 * 1024 + 2);
    expect(usage['kinesis.putPayloadUnits']).toBe(putPayloadUnits(102) + putPayloadUnits(30 * 1024 + 2));
    expect(usage['kinesis.putPayloadUnits']).toBe(3);
    kinesis.destroy();
  });
});

describe('S3 metering', () => {
  it('sorts requests into their classes and tracks the bytes stored', async () => {
    const meter = new UsageMeter();
    const s3 = createS3Client({ ...aws.clientConfig, meter });
    const Bucket = aws.names.lakeBucket;
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: Buffer.alloc(2000) }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: Buffer.alloc(500) }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'b', Body: Buffer.alloc(300) }));
    await (await s3.send(new GetObjectCommand({ Bucket, Key: 'a' }))).Body?.transformToByteArray();
    expect(meter.snapshot()['s3.storedBytes']).toBe(800);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'b' }));
    const usage = meter.snapshot();
    expect(usage).toMatchObject({
      's3.putCopyPostListRequests': 3,
      's3.getAndOtherRequests': 1,
      's3.storedBytes': 500,
    });
    s3.destroy();
  });
});
