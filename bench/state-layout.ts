/**
 * `npx tsx bench/state-layout.ts [TICKS_PER_S] [SECONDS]`: what one hot symbol's commits write to
 * DynamoDB, metered by the same SDK middleware as every run (write units as the local DynamoDB
 * reports them), against what the previous one-item state (snapshot with the trade ids inline,
 * gzipped) would have written per commit. Default: 2,000 ticks/s with 32-hex-digit ids, one commit
 * per second of event time, for 150 s.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { startLocalAws } from '../local/aws-stack.js';
import { createDocumentClient } from '../shared/adapters/aws-clients.js';
import { UsageMeter } from '../shared/adapters/cost/usage-meter.js';
import { DynamoStateStore } from '../shared/adapters/dynamo/state-store.js';
import { writeUnits } from '../shared/cost/dynamodb.js';
import { aggregatorConfig, SymbolAggregator, type Tick } from '../shared/domain/index.js';
import type { StoredSymbolState } from '../shared/pipeline/ports.js';

const rate = Number(process.argv[2] ?? 2_000);
const seconds = Number(process.argv[3] ?? 150);
const T0 = Date.UTC(2024, 0, 1);
const tick = (i: number): Tick => ({
  symbol: 'HOT',
  ts: T0 + Math.floor((i * 1000) / rate),
  price: 100 + (i % 17) / 8,
  size: 1,
  id: createHash('md5').update(String(i)).digest('hex'),
});

const aws = await startLocalAws({ shards: 1 });
try {
  const meter = new UsageMeter();
  const store = new DynamoStateStore(
    createDocumentClient({ ...aws.clientConfig, meter }),
    aws.names.stateTable,
    aws.names.seenIdsTable,
  );
  const agg = new SymbolAggregator('HOT', aggregatorConfig());
  let head: StoredSymbolState | undefined;
  const perCommit: number[] = [];
  const oldPerCommit: number[] = [];
  for (let s = 0; s < seconds; s++) {
    const ticks = Array.from({ length: rate }, (_, k) => tick(s * rate + k));
    for (const t of ticks) agg.apply(t);
    agg.drain();
    const before = meter.snapshot()['dynamodb.writeUnits'];
    await store.commit(
      {
        symbol: 'HOT',
        version: (head?.version ?? 0) + 1,
        applied: { 'shardId-0': String(s + 1).padStart(56, '0') },
        snapshot: agg.snapshot(),
        counters: { valid: 0, duplicates: 0, late: {}, bars: {} },
        lastActivity: T0,
        seenIdsFrom: agg.seenIdsFrom,
        seenIdsTip: head?.seenIdsTip,
      },
      ticks.map((t) => [t.id!, t.ts]),
    );
    perCommit.push(meter.snapshot()['dynamodb.writeUnits'] - before);
    head = (await store.load(['HOT'])).get('HOT');
    const oldItem = gzipSync(JSON.stringify({ ...agg.snapshot(), v: 2, dedup: agg.seenIds() }));
    oldPerCommit.push(writeUnits(oldItem.length));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const last = (xs: number[]) => xs.at(-1)!;
  console.log(`one symbol, ${rate} ticks/s, 32-hex-digit ids, one commit per second, ${seconds} s`);
  console.log(`trade ids inside the horizon at the end: ${agg.seenIds().length}`);
  console.log(
    `head + seen-id log: ${mean(perCommit).toFixed(1)} WRU per commit on average, ${last(perCommit)} at the end`,
  );
  console.log(
    `one item (ids inline, gzipped): ${mean(oldPerCommit).toFixed(1)} WRU per commit on average, ${last(oldPerCommit)} at the end` +
      `${last(oldPerCommit) > 400 ? ' (over the 400 KB item limit)' : ''}`,
  );
} finally {
  await aws.stop();
}
