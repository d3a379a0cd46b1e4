import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isJavaAvailable } from '../../local/cassandra/index.js';
import { MAX_BATCH_STATEMENTS, ServingStore } from '../../shared/adapters/serving/index.js';
import type { Bar } from '../../shared/domain/types.js';
import { type CassandraEndpoint, cassandraForTests } from './cassandra-node.js';

const MIN = 60_000;
const MIDNIGHT = Date.UTC(2024, 2, 10); // 2024-03-10T00:00Z

const runnable =
  inject('cassandra') !== undefined || (process.env.TICKFLOW_CASSANDRA !== 'off' && isJavaAvailable());

function bar(symbol: string, windowStart: number, close: number, over: Partial<Bar> = {}): Bar {
  return {
    symbol,
    interval: '1m',
    windowStart,
    windowEnd: windowStart + MIN,
    open: close - 1,
    high: close + 1,
    low: close - 2,
    close,
    volume: 10,
    vwap: close - 0.5,
    tradeCount: 3,
    ...over,
  };
}

describe.skipIf(!runnable)('serving store on a real local Cassandra', () => {
  let node: CassandraEndpoint;
  let store: ServingStore;

  beforeAll(async () => {
    node = (await cassandraForTests())!;
    store = await ServingStore.connect({
      kind: 'local',
      contactPoints: [`${node.contactPoint}:${node.port}`],
    });
    await store.ensureSchema();
  });

  afterAll(async () => {
    await store?.close();
    await node?.release();
  });

  it('creates the bars table keyed ((symbol, interval, day), window_start DESC), and ensureSchema can run again', async () => {
    await store.ensureSchema();
    const client = new cassandra.Client({
      contactPoints: [`${node.contactPoint}:${node.port}`],
      localDataCenter: node.localDataCenter,
    });
    try {
      const rs = await client.execute(
        "SELECT column_name, kind, position, clustering_order FROM system_schema.columns WHERE keyspace_name = 'tickflow' AND table_name = 'bars'",
      );
      const keys = rs.rows
        .filter((r) => r.kind !== 'regular')
        .map((r) => `${r.kind}:${r.position}:${r.column_name}:${r.clustering_order}`)
        .sort();
      expect(keys).toEqual([
        'clustering:0:window_start:desc',
        'partition_key:0:symbol:none',
        'partition_key:1:interval:none',
        'partition_key:2:day:none',
      ]);
      expect(
        rs.rows
          .filter((r) => r.kind === 'regular')
          .map((r) => r.column_name)
          .sort(),
      ).toEqual([
        'close',
        'high',
        'is_final',
        'low',
        'open',
        'trade_count',
        'updated_at',
        'volume',
        'vwap',
        'window_end',
      ]);
    } finally {
      await client.shutdown();
    }
  });

  it('upserts are idempotent: writing the same final bars twice stores each bar once, unchanged', async () => {
    const bars = [bar('IDEM', MIDNIGHT, 100), bar('IDEM', MIDNIGHT + MIN, 101, { vwap: null, volume: 0 })];
    await store.upsertBars(bars, true);
    await store.upsertBars(bars, true);
    const read = await store.readBars({ symbol: 'IDEM', interval: '1m', limit: 10, to: MIDNIGHT + 10 * MIN });
    expect(read.map(({ isFinal, updatedAt, ...b }) => ({ ...b, isFinal }))).toEqual([
      { ...bars[1], isFinal: true },
      { ...bars[0], isFinal: true },
    ]);
  });

  it('a forming bar never overwrites a final bar, in either order; forming bars replace forming bars', async () => {
    const t = MIDNIGHT + 5 * MIN;
    await store.upsertBars([bar('GUARD', t, 50)], false);
    await store.upsertBars([bar('GUARD', t, 51, { tradeCount: 4 })], false);
    let [stored] = await store.readBars({ symbol: 'GUARD', interval: '1m', limit: 1, to: t + MIN });
    expect(stored).toMatchObject({ close: 51, tradeCount: 4, isFinal: false });

    await store.upsertBars([bar('GUARD', t, 52, { tradeCount: 5 })], true);
    const late = await store.upsertBars([bar('GUARD', t, 99, { tradeCount: 9 })], false);
    expect(late).toMatchObject({ written: 0, skippedFinal: 1 });
    [stored] = await store.readBars({ symbol: 'GUARD', interval: '1m', limit: 1, to: t + MIN });
    expect(stored).toMatchObject({ close: 52, tradeCount: 5, isFinal: true });
  });

  it('reads newest first across a UTC day boundary, honouring limit, from, to and finalOnly', async () => {
    // 23:55 … 00:04 around 2024-03-10T00:00Z: ten 1m bars in two day partitions; 00:04 is still forming.
    const starts = Array.from({ length: 10 }, (_, i) => MIDNIGHT - 5 * MIN + i * MIN);
    await store.upsertBars(
      starts.slice(0, 9).map((s, i) => bar('DAYS', s, 200 + i)),
      true,
    );
    await store.upsertBars([bar('DAYS', starts[9]!, 209)], false);
    const iso = (bars: { windowStart: number }[]) =>
      bars.map((b) => new Date(b.windowStart).toISOString().slice(11, 16));

    const newest = await store.readBars({ symbol: 'DAYS', interval: '1m', limit: 7, to: MIDNIGHT + DAY });
    expect(iso(newest)).toEqual(['00:04', '00:03', '00:02', '00:01', '00:00', '23:59', '23:58']);
    expect(newest[0]!.isFinal).toBe(false);

    const window = await store.readBars({
      symbol: 'DAYS',
      interval: '1m',
      limit: 100,
      from: MIDNIGHT - 2 * MIN,
      to: MIDNIGHT + 2 * MIN,
    });
    expect(iso(window)).toEqual(['00:01', '00:00', '23:59', '23:58']);

    const finals = await store.readBars({
      symbol: 'DAYS',
      interval: '1m',
      limit: 3,
      to: MIDNIGHT + DAY,
      finalOnly: true,
    });
    expect(iso(finals)).toEqual(['00:03', '00:02', '00:01']);

    const all = await store.readBars({
      symbol: 'DAYS',
      interval: '1m',
      limit: 100,
      to: MIDNIGHT + DAY,
      lookbackDays: 3,
    });
    expect(all).toHaveLength(10);
    const otherInterval = await store.readBars({
      symbol: 'DAYS',
      interval: '5m',
      limit: 100,
      to: MIDNIGHT + DAY,
    });
    expect(otherInterval).toEqual([]);
  });

  it('sends final bars in unlogged batches of at most 30 statements, each within one partition', async () => {
    const day1 = Array.from({ length: 75 }, (_, i) => bar('BATCH', MIDNIGHT + i * MIN, 300 + i));
    const day0 = Array.from({ length: 31 }, (_, i) => bar('BATCH', MIDNIGHT - (i + 1) * MIN, 299 - i));
    const result = await store.upsertBars([...day1, ...day0], true);
    expect(result.batchSizes).toEqual([30, 30, 15, 30, 1]);
    expect(Math.max(...result.batchSizes)).toBeLessThanOrEqual(MAX_BATCH_STATEMENTS);
    const read = await store.readBars({
      symbol: 'BATCH',
      interval: '1m',
      limit: 1000,
      from: MIDNIGHT - DAY,
      to: MIDNIGHT + DAY,
    });
    expect(read).toHaveLength(106);
    expect(read.map((b) => b.windowStart)).toEqual([...read.map((b) => b.windowStart)].sort((a, b) => b - a));
  });
});

const DAY = 86_400_000;
