/**
 * The outputs table's retention on the local DynamoDB: every item and marker carries the TTL attribute
 * the CDK app turns on (`expiresAt`, epoch seconds), read back as written. dynalite does not expire
 * items, so expiry is played by deleting them, as DynamoDB's TTL would: the lake must keep what left
 * the table when a late tick for that old date rewrites the partition.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { barItem, DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import { decodeParquet } from '../../shared/adapters/parquet/index.js';
import { parquetLake } from '../../shared/adapters/parquet/lake.js';
import { TABLE_KEYS } from '../../shared/config.js';
import type { Bar } from '../../shared/domain/types.js';
import { partitionFileKey, partitionKey } from '../../shared/lake/index.js';
import { LakeMaterializer } from '../../shared/pipeline/lake-materializer.js';

let aws: LocalAws;
let lakeDir: string;
const DAY = 86_400_000;
const doc = () => createDocumentClient(aws.clientConfig);

beforeAll(async () => {
  aws = await startLocalAws({ shards: 1 });
  lakeDir = mkdtempSync(join(tmpdir(), 'tickflow-retention-'));
});
afterAll(async () => {
  await aws?.stop();
  rmSync(lakeDir, { recursive: true, force: true });
});

const bar = (symbol: string, windowStart: number): Bar => ({
  symbol,
  interval: '1m',
  windowStart,
  windowEnd: windowStart + 60_000,
  open: 1,
  high: 2,
  low: 0.5,
  close: 1.5,
  volume: 3,
  vwap: 1.2,
  tradeCount: 4,
});

async function itemsOf(pk: string): Promise<Record<string, unknown>[]> {
  const res = await doc().send(
    new QueryCommand({
      TableName: aws.names.outputTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return res.Items ?? [];
}

describe('outputs retention', () => {
  it('writes the TTL attribute on bars, late ticks, quarantined records and markers, read back as written', async () => {
    const now = Date.UTC(2024, 4, 10, 12);
    const store = new DynamoOutputStore(doc(), aws.names.outputTable, () => now, 30 * DAY);
    const origin = { shardId: 'shardId-000000000000', sequenceNumber: '42', subIndex: 0, arrivalTime: now };
    await store.put({
      bars: [bar('TTL-A', Date.UTC(2024, 4, 10, 11, 58))],
      late: [
        {
          tick: { symbol: 'TTL-A', ts: Date.UTC(2024, 4, 10, 11, 0), price: 1, size: 1 },
          interval: '1m',
          watermark: now - 600_000,
          origin,
        },
      ],
      quarantine: [{ raw: '{"price":-1}', reason: 'price must be > 0', field: 'price', origin }],
    });
    const expected = Math.floor((now + 30 * DAY) / 1000);
    const pks = [
      'bar|1m|TTL-A|2024-05-10',
      'late|1m|TTL-A|2024-05-10',
      'quarantine|2024-05-10',
      'dirty|2024-05-10',
    ];
    for (const pk of pks) {
      const items = await itemsOf(pk);
      expect(items.length, pk).toBeGreaterThan(0);
      for (const item of items)
        expect({ pk, ttl: item[TABLE_KEYS.outputs.ttlAttribute] }).toEqual({ pk, ttl: expected });
    }
  });

  it('writes no TTL attribute without a retention', async () => {
    const store = new DynamoOutputStore(doc(), aws.names.outputTable, () => Date.UTC(2024, 4, 10));
    await store.put({ bars: [bar('TTL-NONE', Date.UTC(2024, 4, 9, 23, 0))] });
    const [item] = await itemsOf('bar|1m|TTL-NONE|2024-05-09');
    expect(item).not.toHaveProperty(TABLE_KEYS.outputs.ttlAttribute);
  });

  it('keeps in the lake the bars that expired from the table when a late write rewrites their old partition', async () => {
    const day = Date.UTC(2024, 0, 1);
    let now = day + 2 * 3_600_000;
    const retention = 3 * DAY;
    const store = new DynamoOutputStore(doc(), aws.names.outputTable, () => now, retention);
    const lake = new FileObjectStore(lakeDir);
    const materializer = new LakeMaterializer(store, parquetLake(lake), 4, retention, () => now);
    const key = partitionFileKey(partitionKey('bars', { interval: '1m', symbol: 'OLD', date: '2024-01-01' }));
    const fileStarts = async () => (await decodeParquet((await lake.get(key))!)).map((r) => r.window_start);

    await store.put({ bars: [bar('OLD', day), bar('OLD', day + 60_000)] });
    await materializer.materialize(['2024-01-01']);
    expect(await fileStarts()).toEqual([day, day + 60_000]);

    // Past the retention, DynamoDB's TTL deletes the first bar; then a bar of that date arrives late.
    now = day + 5 * DAY;
    await doc().send(new DeleteCommand({ TableName: aws.names.outputTable, Key: barKey(bar('OLD', day)) }));
    await store.put({ bars: [bar('OLD', day + 120_000)] });
    await materializer.materialize(['2024-01-06']);
    expect(await fileStarts()).toEqual([day, day + 60_000, day + 120_000]);
  });
});

function barKey(b: Bar): { pk: string; sk: string } {
  const item = barItem(b);
  return { pk: String(item.pk), sk: String(item.sk) };
}
