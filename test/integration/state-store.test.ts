/**
 * The per-symbol state item on the local DynamoDB (dynalite, which enforces the 400 KB item limit
 * like DynamoDB): a busy symbol's snapshot, mostly trade ids inside the dedup horizon, is stored
 * compressed and reads back identical; one that cannot fit even compressed is refused with an error
 * that names the remedy, before anything is written.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import {
  COMPRESS_ABOVE_BYTES,
  DynamoStateStore,
  StateTooLargeError,
} from '../../shared/adapters/dynamo/state-store.js';
import { SymbolAggregator } from '../../shared/domain/index.js';
import type { StoredSymbolState } from '../../shared/pipeline/ports.js';

let aws: LocalAws;
let store: DynamoStateStore;

beforeAll(async () => {
  aws = await startLocalAws({ shards: 1 });
  store = new DynamoStateStore(createDocumentClient(aws.clientConfig), aws.names.stateTable);
});
afterAll(async () => {
  await aws?.stop();
});

/** The state after `seconds` of one symbol at `rate` ticks/s, each with a trade id of the given kind. */
function busyState(
  symbol: string,
  rate: number,
  seconds: number,
  ids: 'numeric' | 'uuid',
): StoredSymbolState {
  const aggregator = new SymbolAggregator(symbol);
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rate * seconds; i++) {
    const id =
      ids === 'numeric'
        ? String(3_000_000_000 + i)
        : createHash('sha1').update(`${symbol}-${i}`).digest('hex').slice(0, 32); // as random as a UUID
    aggregator.apply({
      symbol,
      ts: t0 + Math.floor((i * 1000) / rate),
      price: 100 + (i % 17) / 8,
      size: 1,
      id,
    });
  }
  aggregator.drain();
  return {
    symbol,
    version: 1,
    applied: { 'shardId-000000000000': '49000000000000000000000000000000000000000000000000000001' },
    snapshot: aggregator.snapshot(),
    counters: { valid: rate * seconds, duplicates: 0, late: {}, bars: {} },
    lastActivity: t0,
  };
}

describe('DynamoStateStore on the local DynamoDB', () => {
  it('stores a small state as JSON text and a busy one gzipped, and reads both back identical', async () => {
    const quiet = busyState('QUIET', 1, 30, 'numeric');
    const busy = busyState('BUSY', 200, 120, 'numeric');
    expect(JSON.stringify(quiet.snapshot).length).toBeLessThan(COMPRESS_ABOVE_BYTES);
    expect(JSON.stringify(busy.snapshot).length).toBeGreaterThan(300 * 1024); // 12,000 ids
    await store.commit(quiet);
    await store.commit(busy);

    const doc = createDocumentClient(aws.clientConfig);
    const raw = async (symbol: string) =>
      (await doc.send(new GetCommand({ TableName: aws.names.stateTable, Key: { symbol } }))).Item!;
    expect(typeof (await raw('QUIET')).snapshot).toBe('string');
    const busyItem = await raw('BUSY');
    expect(busyItem.snapshot).toBeUndefined();
    expect((busyItem.snapshotGz as Uint8Array).length).toBeLessThan(80 * 1024);

    const loaded = await store.load(['QUIET', 'BUSY']);
    expect(loaded.get('QUIET')).toEqual({ ...quiet, flushed: false });
    expect(loaded.get('BUSY')).toEqual({ ...busy, flushed: false });
  });

  it('fits a symbol at 200 ticks/s with UUID-like ids, 1.5× over the limit as JSON', async () => {
    const state = busyState('UUIDS', 200, 120, 'uuid');
    expect(JSON.stringify(state.snapshot).length).toBeGreaterThan(1.4 * 400 * 1024);
    await store.commit(state);
    expect((await store.load(['UUIDS'])).get('UUIDS')?.snapshot).toEqual(state.snapshot);
  });

  it('refuses, before writing, a state that cannot fit even compressed, and says what to do', async () => {
    const before = busyState('HUGE', 10, 60, 'uuid');
    await store.commit(before);
    const huge = { ...busyState('HUGE', 1_000, 70, 'uuid'), version: 2 };
    const error = await store.commit(huge).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StateTooLargeError);
    expect((error as Error).message).toMatch(
      /state of HUGE is \d+ KB compressed, over DynamoDB's 400 KB item limit \(6\d{4} trade ids inside the dedup horizon\): shorten the dedup horizon/,
    );
    expect((await store.load(['HUGE'])).get('HUGE')?.version).toBe(1);
  });
});
