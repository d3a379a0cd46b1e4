/**
 * What the cost meter adds per request: the SDK middleware of `aws-clients.ts` (DynamoDB PutItem,
 * Kinesis PutRecords of 500 records, S3 PutObject) and the Keyspaces count of a serving upsert,
 * timed in-process around a `next` that returns at once, against the same call without the meter.
 * Run: npx tsx test/unit/cost/metering-overhead.ts
 */
import { installMetering } from '../../../shared/adapters/cost/sdk-metering.js';
import { UsageMeter } from '../../../shared/adapters/cost/usage-meter.js';
import { meterServingUpsert } from '../../../shared/adapters/serving/metering.js';

type Handler = (args: unknown) => Promise<unknown>;

function stackOf(service: 'dynamodb' | 'kinesis' | 's3', output: unknown): Handler {
  const entries: { mw: (next: Handler, ctx: unknown) => Handler; step: string }[] = [];
  const fake = {
    middlewareStack: { add: (mw: never, o: { step: string }) => entries.push({ mw, step: o.step }) },
  };
  installMetering(fake, service, new UsageMeter());
  const ctx = {
    commandName:
      service === 'dynamodb'
        ? 'PutItemCommand'
        : service === 'kinesis'
          ? 'PutRecordsCommand'
          : 'PutObjectCommand',
  };
  let handler: Handler = async () => ({ output });
  for (const e of [...entries].reverse()) handler = e.mw(handler, ctx);
  return handler;
}

async function time(label: string, n: number, call: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 1000; i++) await call();
  const t = performance.now();
  for (let i = 0; i < n; i++) await call();
  console.log(`${label.padEnd(44)} ${(((performance.now() - t) / n) * 1000).toFixed(2)} µs per request`);
}

const item = {
  Item: { symbol: { S: 'BTC-USDT' }, state: { B: new Uint8Array(50_000) }, version: { N: '12' } },
  TableName: 't',
};
const records = Array.from({ length: 500 }, (_, i) => ({
  Data: new Uint8Array(5000),
  PartitionKey: `sym${i % 50}`,
}));
const request = { headers: { 'content-length': '123456' } };
const N = 20_000;

await time('DynamoDB PutItem, no meter', N, async () => ({
  output: { ConsumedCapacity: { CapacityUnits: 49 } },
}));
const dynamo = stackOf('dynamodb', { ConsumedCapacity: { CapacityUnits: 49 } });
await time('DynamoDB PutItem, metered', N, () => dynamo({ input: item, request }));
const kinesis = stackOf('kinesis', { Records: records.map(() => ({ SequenceNumber: '1' })) });
await time('Kinesis PutRecords (500 records), metered', N, () =>
  kinesis({ input: { Records: records }, request }),
);
const s3 = stackOf('s3', {});
await time('S3 PutObject, metered', N, () => s3({ input: { Bucket: 'b', Key: 'k' }, request }));

const bars = Array.from({ length: 100 }, (_, i) => ({
  symbol: 'BTC-USDT',
  interval: '1m',
  windowStart: 1_700_000_000_000 + i * 60_000,
  windowEnd: 1_700_000_060_000 + i * 60_000,
  open: 1,
  high: 2,
  low: 0.5,
  close: 1.5,
  volume: 10,
  vwap: 1.2,
  tradeCount: 1234,
}));
const meter = new UsageMeter();
await time('Keyspaces count of a 100-bar upsert', N / 10, async () =>
  meterServingUpsert(meter, bars, false, { written: 100, skippedFinal: 0 }),
);
