/**
 * The per-symbol state on the local DynamoDB (dynalite, which enforces the 400 KB item limit like
 * DynamoDB): a bounded head item per symbol plus the symbol's seen-id log. A hot symbol's commits
 * each write about as many bytes as their batch carries, however many ids the dedup horizon holds;
 * the log reads back exactly the committed ids, never those of a commit that lost.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoStateStore, StateTooLargeError } from '../../shared/adapters/dynamo/state-store.js';
import { aggregatorConfig, type SeenIds, SymbolAggregator, type Tick } from '../../shared/domain/index.js';
import { AggregationService } from '../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../shared/pipeline/domain-engine.js';
import { StateConflictError, type StoredSymbolState } from '../../shared/pipeline/ports.js';

let aws: LocalAws;
let store: DynamoStateStore;
const doc = () => createDocumentClient(aws.clientConfig);

beforeAll(async () => {
  aws = await startLocalAws({ shards: 1 });
  store = new DynamoStateStore(doc(), aws.names.stateTable, aws.names.seenIdsTable);
});
afterAll(async () => {
  await aws?.stop();
});

const T0 = Date.UTC(2024, 0, 1);
const SHARD = 'shardId-000000000000';

/** Tick `i` of a symbol at `rate` ticks/s with a 32-hex-digit trade id (as random as a UUID). */
function hotTick(symbol: string, rate: number, i: number): Tick {
  return {
    symbol,
    ts: T0 + Math.floor((i * 1000) / rate),
    price: 100 + (i % 17) / 8,
    size: 1,
    id: createHash('sha1').update(`${symbol}-${i}`).digest('hex').slice(0, 32),
  };
}

/** Applies ticks [from, to) and returns the head to commit and the sightings the commit appends. */
function step(agg: SymbolAggregator, prev: StoredSymbolState | undefined, ticks: readonly Tick[]) {
  for (const t of ticks) agg.apply(t);
  agg.drain();
  const from = agg.seenIdsFrom;
  const ids: SeenIds = ticks.filter((t) => t.ts >= from!).map((t) => [t.id!, t.ts]);
  const next: StoredSymbolState = {
    symbol: agg.symbol,
    version: (prev?.version ?? 0) + 1,
    applied: { [SHARD]: String((prev?.version ?? 0) + 1).padStart(56, '0') },
    snapshot: agg.snapshot(),
    counters: { valid: 0, duplicates: 0, late: {}, bars: {} },
    lastActivity: T0,
    seenIdsFrom: from,
    seenIdsTip: prev?.seenIdsTip,
  };
  return { next, ids };
}

async function rawHead(symbol: string): Promise<Record<string, unknown>> {
  return (await doc().send(new GetCommand({ TableName: aws.names.stateTable, Key: { symbol } }))).Item!;
}

async function logBytes(symbol: string): Promise<number[]> {
  const sizes: number[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc().send(
      new QueryCommand({
        TableName: aws.names.seenIdsTable,
        KeyConditionExpression: 'symbol = :s',
        ExpressionAttributeValues: { ':s': symbol },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of res.Items ?? []) sizes.push((item.ids as Uint8Array).length);
    start = res.LastEvaluatedKey;
  } while (start);
  return sizes;
}

const sortIds = (ids: SeenIds) => [...ids].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));

describe('DynamoStateStore on the local DynamoDB', () => {
  it('keeps a hot symbol’s head small and writes per commit only its batch’s ids, which read back exactly', async () => {
    // 2,000 ticks/s for 150 s with 32-hex-digit ids, committed in 1-second batches: 300,000 ids
    // inside the default horizon, which as one item would be ~12 MB (30× DynamoDB's limit).
    const rate = 2_000;
    const agg = new SymbolAggregator('HOT', aggregatorConfig());
    let head: StoredSymbolState | undefined;
    for (let s = 0; s < 150; s++) {
      const ticks = Array.from({ length: rate }, (_, k) => hotTick('HOT', rate, s * rate + k));
      const { next, ids } = step(agg, head, ticks);
      await store.commit(next, ids);
      head = (await store.load(['HOT'])).get('HOT')!;
    }
    expect(agg.seenIds().length).toBe(300_000);
    const item = await rawHead('HOT');
    expect(JSON.stringify(item).length).toBeLessThan(8 * 1024);

    // One entry per commit, each about the same size: what a batch of 2,000 ids takes gzipped.
    const sizes = await logBytes('HOT');
    expect(sizes.length).toBe(150);
    expect(Math.max(...sizes)).toBeLessThan(1.1 * Math.min(...sizes));
    expect(Math.max(...sizes)).toBeLessThan(60 * 1024);

    const read = await store.loadSeenIds(head!);
    expect(sortIds(read)).toEqual(sortIds(agg.seenIds()));
  });

  it('splits one large batch into parts under the item limit and reads it back whole', async () => {
    const agg = new SymbolAggregator('BURST', aggregatorConfig());
    const ticks = Array.from({ length: 30_000 }, (_, i) => hotTick('BURST', 10_000, i));
    const { next, ids } = step(agg, undefined, ticks);
    await store.commit(next, ids);
    expect((await logBytes('BURST')).length).toBeGreaterThan(1);
    const head = (await store.load(['BURST'])).get('BURST')!;
    expect(sortIds(await store.loadSeenIds(head))).toEqual(sortIds(agg.seenIds()));
  });

  it('never counts the ids of a commit that lost the race, and leaves expired entries unread', async () => {
    const agg = new SymbolAggregator('RACE', aggregatorConfig({ allowedLatenessMs: 60_000 }));
    const first = step(agg, undefined, [hotTick('RACE', 1, 0), hotTick('RACE', 1, 1)]);
    await store.commit(first.next, first.ids);
    const v1 = (await store.load(['RACE'])).get('RACE')!;

    // A zombie from version 1 appends its ids, then loses the conditional write.
    const winner = step(agg, v1, [hotTick('RACE', 1, 2)]);
    await store.commit(winner.next, winner.ids);
    const zombie = { next: winner.next, ids: [['zombie-id', T0 + 2_000]] as SeenIds };
    await expect(store.commit(zombie.next, zombie.ids)).rejects.toBeInstanceOf(StateConflictError);

    const v2 = (await store.load(['RACE'])).get('RACE')!;
    expect(sortIds(await store.loadSeenIds(v2))).toEqual(sortIds(agg.seenIds()));

    // Ten minutes of event time later every earlier id is outside the horizon: not even read.
    const later = step(agg, v2, [hotTick('RACE', 1, 600)]);
    await store.commit(later.next, later.ids);
    const v3 = (await store.load(['RACE'])).get('RACE')!;
    expect(await store.loadSeenIds(v3)).toEqual([[hotTick('RACE', 1, 600).id, T0 + 600_000]]);
  });

  it('refuses, before writing, a head that cannot fit in one item, and says why', async () => {
    const agg = new SymbolAggregator('HUGE', aggregatorConfig());
    const { next, ids } = step(agg, undefined, [hotTick('HUGE', 1, 0)]);
    const noise = createHash('sha512');
    const bloated = {
      ...next,
      snapshot: {
        ...(next.snapshot as object),
        pad: Array.from({ length: 9_000 }, (_, i) => noise.copy().update(String(i)).digest('hex')),
      },
    };
    const error = await store.commit(bloated, ids).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StateTooLargeError);
    expect((error as Error).message).toMatch(
      /state of HUGE is \d+ KB compressed, over DynamoDB's 400 KB item limit/,
    );
    expect((await store.load(['HUGE'])).get('HUGE')).toBeUndefined();
  });

  it('takes over a head written before the seen-id log, whose ids were inline, and logs them', async () => {
    const config = aggregatorConfig({ intervals: aggregatorConfig().intervals });
    const agg = new SymbolAggregator('OLD', config);
    for (let i = 0; i < 5; i++) agg.apply(hotTick('OLD', 1, i));
    agg.drain();
    const { v: _v, ...rest } = agg.snapshot();
    // The item as the previous layout wrote it: snapshot v2 with the ids inside, no log fields.
    await doc().send(
      new PutCommand({
        TableName: aws.names.stateTable,
        Item: {
          symbol: 'OLD',
          version: 7,
          applied: { [SHARD]: '1'.padStart(56, '0') },
          snapshot: JSON.stringify({ ...rest, v: 2, dedup: agg.seenIds() }),
          counters: JSON.stringify({ valid: 5, duplicates: 0, late: {}, bars: {} }),
          lastActivity: T0,
          flushed: false,
        },
      }),
    );
    const service = new AggregationService({
      state: store,
      outputs: new DynamoOutputStore(doc(), aws.names.outputTable),
      engine: domainEngineFactory(config),
    });
    // A producer retry of tick 2 and a new tick.
    const retry = hotTick('OLD', 1, 2);
    const { report } = await service.processBatch([
      {
        shardId: SHARD,
        sequenceNumber: '2'.padStart(56, '0'),
        arrivalTime: T0,
        payloads: [JSON.stringify([retry, hotTick('OLD', 1, 5)])],
      },
    ]);
    expect(report.duplicates).toBe(1);
    const head = (await store.load(['OLD'])).get('OLD')!;
    expect(head.version).toBe(8);
    expect(new Set((await store.loadSeenIds(head)).map(([id]) => id))).toEqual(
      new Set([0, 1, 2, 3, 4, 5].map((i) => hotTick('OLD', 1, i).id)),
    );
  });
});
