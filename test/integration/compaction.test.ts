/**
 * Compaction of the bronze staging area against the local S3 (s3rver): many small, overlapping staged
 * objects become one file per symbol and hour with every tick once; a crash at any write is repaired by
 * the next run, and readers never see a tick twice or lose one in between.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createS3Client } from '../../shared/adapters/aws-clients.js';
import { bronzeOver } from '../../shared/adapters/bronze/wiring.js';
import { type ObjectStore, S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { resourceNames } from '../../shared/config.js';
import { stageBatch } from '../../shared/pipeline/bronze/staged-ticks.js';
import { tickIdentity } from '../../shared/pipeline/bronze/tick-order.js';
import type { OriginTick } from '../../shared/pipeline/ports.js';
import type { DecodedRecord } from '../../shared/pipeline/record-decoder.js';
import { CrashingObjectStore, SimulatedCrash } from '../support/bronze/crashing-store.js';
import { seq } from '../support/bronze/factories.js';
import { duplicatedIdentities, readStaged, readTickLake, tickText } from '../support/bronze/lake-view.js';

let aws: LocalAws;
let s3: S3Client;
let buckets = 0;

beforeAll(async () => {
  aws = await startLocalAws({ names: resourceNames('compacttest') });
  s3 = createS3Client(aws.clientConfig);
});
afterAll(async () => {
  s3?.destroy();
  await aws?.stop();
});

/** A fresh bucket per scenario, so scenarios never see each other's objects. */
async function freshStore(): Promise<ObjectStore> {
  const bucket = `compaction-${++buckets}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return new S3ObjectStore(s3, bucket);
}

const SYMBOLS = ['EUR/USD', 'BTC-USDT', 'XAU:USD'];
const H0 = Date.UTC(2024, 0, 1, 22, 0);
const FOUR_HOURS = 4 * 3_600_000;

/**
 * Records from..from+count-1 of a synthetic stream, ticks spread over `spanMs` from 22:00 (four hours cross a
 * midnight). Within one scenario a record's content is a function of its sequence number, as in a real stream.
 */
function records(from: number, count: number, spanMs = FOUR_HOURS): DecodedRecord[] {
  return Array.from({ length: count }, (_, j) => {
    const n = from + j;
    const symbol = SYMBOLS[n % SYMBOLS.length]!;
    const ts = H0 + ((n * 7_919_000) % spanMs);
    const tick = { symbol, ts, price: 100 + (n % 13), size: n % 5, ...(n % 4 === 0 ? { id: `t${n}` } : {}) };
    const payload =
      n % 6 === 0
        ? JSON.stringify([tick, { ...tick, price: 0 }, { ...tick, ts: ts + 1 }])
        : JSON.stringify(tick);
    return {
      shardId: `shardId-00000000000${n % 2}`,
      sequenceNumber: seq(n),
      arrivalTime: H0 + n,
      payloads: [payload],
    };
  });
}

/** The valid ticks of these records, once each: what the lake must hold. */
function expectedTicks(recs: readonly DecodedRecord[]): OriginTick[] {
  const byId = new Map<string, OriginTick>();
  for (const list of stageBatch(recs).byShard.values()) for (const t of list) byId.set(tickIdentity(t), t);
  return [...byId.values()];
}

const texts = (ticks: readonly OriginTick[]) => ticks.map(tickText).sort();

/** Stages records as the bronze writer would, `size` records per batch (one shard each, like Lambda). */
async function stage(store: ObjectStore, recs: readonly DecodedRecord[], size: number): Promise<number> {
  const { writer } = bronzeOver(store);
  let objects = 0;
  for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
    const ofShard = recs.filter((r) => r.shardId === shard);
    for (let i = 0; i < ofShard.length; i += size) {
      objects += (await writer.writeBatch(ofShard.slice(i, i + size))).stagedKeys.length;
    }
  }
  return objects;
}

describe('TickCompactor on S3', () => {
  it('turns many small overlapping staged objects into one file per symbol and hour, each tick once', async () => {
    const store = await freshStore();
    const all = records(0, 240);
    // The same records staged twice, split differently (a retried batch cut at another size).
    const staged = (await stage(store, all, 4)) + (await stage(store, all.slice(100, 180), 7));
    const stagedRows = (await readStaged(store)).length;
    const expected = expectedTicks(all);

    const { compactor } = bronzeOver(store, { objectsPerChunk: 25 });
    const report = await compactor.run();

    const lake = await readTickLake(store);
    expect(texts(lake.ticks)).toEqual(texts(expected));
    expect(duplicatedIdentities(lake.ticks)).toEqual([]);
    expect(await store.list('staging/')).toEqual([]);
    expect(lake.files.length).toBe(SYMBOLS.length * 4);
    expect(lake.files.every((key) => /\/part-h\d\d\.parquet$/.test(key))).toBe(true);
    expect(new Set(lake.files.map((k) => k.split('/')[2]))).toEqual(
      new Set(['date=2024-01-01', 'date=2024-01-02']),
    );
    expect(report).toEqual({
      stagedFiles: staged,
      rowsIn: stagedRows,
      rowsOut: expected.length,
      filesWritten: lake.files.length,
      duplicatesDropped: stagedRows - expected.length,
      unreadable: [],
      remaining: 0,
    });
    expect(staged / lake.files.length).toBeGreaterThan(5);

    // Nothing staged: nothing rewritten.
    expect(await compactor.run()).toMatchObject({ stagedFiles: 0, filesWritten: 0, rowsIn: 0 });

    // New ticks of one hour plus a redelivered old batch: only that hour's file changes.
    const more = records(1000, 6).map((r) => ({
      ...r,
      payloads: r.payloads.map((p) => p.replace(/"ts":\d+/g, `"ts":${H0 + 60_000}`)),
    }));
    await stage(store, [...more, ...all.slice(0, 3)], 50);
    const before = new Map(await Promise.all(lake.files.map(async (k) => [k, await store.get(k)] as const)));
    const second = await compactor.run();
    expect(second.filesWritten).toBe(3); // the three symbols of hour 22 on 2024-01-01
    const after = await readTickLake(store);
    expect(texts(after.ticks)).toEqual(texts([...expected, ...expectedTicks(more)]));
    const unchanged = await Promise.all(
      lake.files.map(
        async (k) => Buffer.compare(Buffer.from((await store.get(k))!), Buffer.from(before.get(k)!)) === 0,
      ),
    );
    expect(unchanged.filter((same) => !same).length).toBe(3);
  });

  it('with 15-minute files, puts each tick once in the file of its quarter hour, retried batches included', async () => {
    const store = await freshStore();
    const all = records(0, 240);
    await stage(store, all, 4);
    await stage(store, all.slice(100, 180), 7);
    const { compactor } = bronzeOver(store, { objectsPerChunk: 25, fileMinutes: 15 });
    const report = await compactor.run();
    const lake = await readTickLake(store, 15);
    expect(texts(lake.ticks)).toEqual(texts(expectedTicks(all)));
    expect(duplicatedIdentities(lake.ticks)).toEqual([]);
    expect(lake.files.every((key) => /\/part-h\d\d-m(00|15|30|45)\.parquet$/.test(key))).toBe(true);
    expect(lake.files.length).toBeGreaterThan(SYMBOLS.length * 4);
    expect(report.filesWritten).toBe(lake.files.length);
    // A redelivered batch after compaction lands in the same quarter-hour files: still once each.
    await stage(store, all.slice(0, 30), 9);
    await compactor.run();
    expect(duplicatedIdentities((await readTickLake(store, 15)).ticks)).toEqual([]);
  });

  it('leaves an unreadable staged object in place, reports it and compacts the rest', async () => {
    const store = await freshStore();
    const recs = records(0, 12);
    await stage(store, recs, 6);
    await store.put('staging/ticks/shard=x/garbage.parquet', new TextEncoder().encode('not parquet'));
    const report = await bronzeOver(store).compactor.run();
    expect(report.unreadable.map((u) => u.key)).toEqual(['staging/ticks/shard=x/garbage.parquet']);
    expect(await store.list('staging/')).toEqual(['staging/ticks/shard=x/garbage.parquet']);
    expect(texts((await readTickLake(store)).ticks)).toEqual(texts(expectedTicks(recs)));
  });

  describe('a crash at any write', () => {
    // Kept small (one symbol, two hour files): every write of every crashed run re-reads the whole lake.
    const ofOneSymbol = (from: number, count: number) =>
      records(from, count, 2 * 3_600_000).filter((r) => r.payloads[0]!.includes('EUR/USD'));
    const first = ofOneSymbol(0, 24);
    const second = [...ofOneSymbol(18, 24), ...first.slice(0, 2)];
    const expected = expectedTicks([...first, ...second]);

    /** A lake compacted once, then more staged objects overlapping it and each other. */
    async function scenario(): Promise<ObjectStore> {
      const store = await freshStore();
      await stage(store, first, 3);
      await bronzeOver(store).compactor.run();
      await stage(store, second, 3);
      await stage(store, second.slice(3, 9), 4);
      return store;
    }

    // Two chunks, so a crash can also fall after the first chunk's deletes, before the second one's writes.
    const TWO_CHUNKS = { objectsPerChunk: 4, concurrency: 4 };

    /** What a reader may see at any instant: no tick twice, none invented, none lost (lake ∪ staging). */
    async function checkReaderView(store: ObjectStore): Promise<void> {
      const lake = (await readTickLake(store)).ticks;
      expect(duplicatedIdentities(lake)).toEqual([]);
      const expectedIds = new Set(expected.map(tickIdentity));
      expect(lake.filter((t) => !expectedIds.has(tickIdentity(t)))).toEqual([]);
      const present = new Set([...lake, ...(await readStaged(store))].map(tickIdentity));
      expect([...expectedIds].filter((id) => !present.has(id))).toEqual([]);
    }

    it('is repaired by the next run, and readers never see a tick twice or miss one', async () => {
      const counting = new CrashingObjectStore(await scenario(), Number.POSITIVE_INFINITY, 'after');
      await bronzeOver(counting, TWO_CHUNKS).compactor.run();
      const writes = counting.writes;
      expect(writes).toBeGreaterThanOrEqual(6);

      for (const phase of ['before', 'after'] as const) {
        for (let k = 1; k <= writes; k++) {
          const store = await scenario();
          const crashing = new CrashingObjectStore(store, k, phase, () => checkReaderView(store));
          await expect(
            bronzeOver(crashing, TWO_CHUNKS).compactor.run(),
            `crash ${phase} write ${k}`,
          ).rejects.toBeInstanceOf(SimulatedCrash);
          await checkReaderView(store);

          const repair = await bronzeOver(store).compactor.run();
          expect(repair.unreadable).toEqual([]);
          const lake = await readTickLake(store);
          expect(texts(lake.ticks), `crash ${phase} write ${k}`).toEqual(texts(expected));
          expect(await store.list('staging/')).toEqual([]);
        }
      }
    }, 300_000);
  });
});
