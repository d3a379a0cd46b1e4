/**
 * Compaction into bounded parts (shared/pipeline/bronze/tick-parts.ts) over a real store (a temporary
 * directory) and real Parquet: whatever the split of the staged objects, the duplicates among them and a
 * crash between any two writes, the lake converges to the same rows, each once, and a reader never sees a
 * row twice; a run reads and writes in proportion to what was staged, not to what the file holds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3TickLake } from '../../../shared/adapters/bronze/s3-tick-lake.js';
import { lakeTickRow } from '../../../shared/adapters/bronze/tick-rows.js';
import { bronzeOver } from '../../../shared/adapters/bronze/wiring.js';
import { FileObjectStore } from '../../../shared/adapters/file-object-store.js';
import { encodeParquet, parquetFooter } from '../../../shared/adapters/parquet/index.js';
import { DuckDbLake } from '../../../shared/adapters/query/duckdb-lake.js';
import type { ObjectStore } from '../../../shared/adapters/s3-object-store.js';
import { TICKS_SCHEMA } from '../../../shared/lake/schemas.js';
import { hourFileOf, partNumberOf } from '../../../shared/pipeline/bronze/hour-files.js';
import { stageBatch } from '../../../shared/pipeline/bronze/staged-ticks.js';
import { compareTicks, tickIdentity } from '../../../shared/pipeline/bronze/tick-order.js';
import type { OriginTick } from '../../../shared/pipeline/ports.js';
import type { DecodedRecord } from '../../../shared/pipeline/record-decoder.js';
import { rowObjects } from '../../../shared/query/result.js';
import { CrashingObjectStore, SimulatedCrash } from '../../support/bronze/crashing-store.js';
import { seq } from '../../support/bronze/factories.js';
import { duplicatedIdentities, readStaged, readTickLake, tickText } from '../../support/bronze/lake-view.js';

let root: string;
let stores = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tickflow-parts-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshStore = () => new FileObjectStore(join(root, String(++stores)));

const H0 = Date.UTC(2024, 0, 2, 13);
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

/** Records 0..count-1 of two shards; ticks of two symbols over two hours, some records packed. */
function records(count: number): DecodedRecord[] {
  return Array.from({ length: count }, (_, n) => {
    const tick = {
      symbol: n % 3 === 0 ? 'ETH-USD' : 'BTC-USD',
      ts: H0 + ((n * 1_234_567) % 7_200_000),
      price: 100 + (n % 7),
      size: n % 4,
    };
    const payload = n % 5 === 0 ? JSON.stringify([tick, { ...tick, ts: tick.ts + 1 }]) : JSON.stringify(tick);
    return { shardId: SHARDS[n % 2]!, sequenceNumber: seq(n), arrivalTime: H0 + n, payloads: [payload] };
  });
}

function expectedTicks(recs: readonly DecodedRecord[]): OriginTick[] {
  const byId = new Map<string, OriginTick>();
  for (const list of stageBatch(recs).byShard.values()) for (const t of list) byId.set(tickIdentity(t), t);
  return [...byId.values()];
}
const texts = (ticks: readonly OriginTick[]) => ticks.map(tickText).sort();

/** What must hold at every instant: no row twice, none invented, none lost (lake ∪ staging). */
async function checkReaderView(store: ObjectStore, expected: readonly OriginTick[]): Promise<void> {
  const lake = (await readTickLake(store)).ticks;
  expect(duplicatedIdentities(lake)).toEqual([]);
  const ids = new Set(expected.map(tickIdentity));
  expect(lake.filter((t) => !ids.has(tickIdentity(t)))).toEqual([]);
  const present = new Set([...lake, ...(await readStaged(store))].map(tickIdentity));
  expect([...ids].filter((id) => !present.has(id))).toEqual([]);
}

/** Parts of each file are numbered 0..n, all but the last sealed and at most `partRows` rows. */
async function checkParts(store: ObjectStore, partRows: number): Promise<void> {
  const byFile = new Map<string, number[]>();
  for (const key of await store.list('ticks/')) {
    const base = key.replace(/-p\d{4,}\.parquet$/, '.parquet');
    byFile.set(base, [...(byFile.get(base) ?? []), key === base ? 0 : Number(/-p(\d+)\./.exec(key)![1])]);
  }
  for (const [base, numbers] of byFile) {
    numbers.sort((a, b) => a - b);
    expect(numbers, base).toEqual(numbers.map((_, i) => i));
    const lake = new S3TickLake(store);
    const file = { key: base, symbol: '', date: '', hour: 0, minute: 0 };
    for (const part of numbers) {
      const stored = (await lake.readPart(file, part))!;
      expect(stored.rows).toBeLessThanOrEqual(partRows);
      expect(stored.footer?.sealed, `${base} part ${part}`).toBe(
        part < numbers.length - 1 || stored.rows >= partRows,
      );
    }
  }
}

/** Stages slices of the records as the bronze writer would (one shard per batch). */
async function stageSlices(
  store: ObjectStore,
  recs: readonly DecodedRecord[],
  cuts: readonly [number, number][],
) {
  const { writer } = bronzeOver(store);
  for (const [from, to] of cuts) {
    for (const shard of SHARDS) {
      const batch = recs.slice(from, to).filter((r) => r.shardId === shard);
      if (batch.length > 0) await writer.writeBatch(batch);
    }
  }
}

/** Runs the compactor until staging is empty. */
async function drain(store: ObjectStore, partRows: number): Promise<void> {
  for (let i = 0; i < 5 && (await store.list('staging/')).length > 0; i++) {
    await bronzeOver(store, { partRows, objectsPerChunk: 3 }).compactor.run();
  }
  expect(await store.list('staging/')).toEqual([]);
}

/** Cuts of [0, n): a random split into batches, then some batches staged again, cut elsewhere. */
const arbScenario = fc
  .record({
    count: fc.integer({ min: 1, max: 40 }),
    cuts: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 12 }),
    retries: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 10 })), { maxLength: 4 }),
    compactAfter: fc.array(fc.nat(), { maxLength: 3 }),
    partRows: fc.constantFrom(1, 2, 3, 5, 8, 1000),
  })
  .map(({ count, cuts, retries, compactAfter, partRows }) => {
    const batches: [number, number][] = [];
    for (let from = 0, i = 0; from < count; i++) {
      const to = Math.min(count, from + cuts[i % cuts.length]!);
      batches.push([from, to]);
      from = to;
    }
    for (const [at, size] of retries) {
      const from = at % count;
      batches.push([from, Math.min(count, from + size)]);
    }
    return { count, batches, compactAfter: new Set(compactAfter.map((c) => c % batches.length)), partRows };
  });

describe('compaction into parts', () => {
  it('gives the same rows, each once, for any split, duplicates and runs in between (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario, async ({ count, batches, compactAfter, partRows }) => {
        const store = freshStore();
        const recs = records(count);
        for (const [i, cut] of batches.entries()) {
          await stageSlices(store, recs, [cut]);
          if (compactAfter.has(i)) await bronzeOver(store, { partRows, objectsPerChunk: 2 }).compactor.run();
        }
        await drain(store, partRows);
        expect(texts((await readTickLake(store)).ticks)).toEqual(texts(expectedTicks(recs)));
        await checkParts(store, partRows);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('converges to the same rows after a crash before or after any write, readers never seeing a row twice (property)', async () => {
    const recs = records(30);
    const expected = expectedTicks(recs);
    const scenario = fc.record({
      partRows: fc.constantFrom(2, 3, 7),
      crashAt: fc.integer({ min: 1, max: 40 }),
      phase: fc.constantFrom('before' as const, 'after' as const),
      firstCut: fc.integer({ min: 1, max: 29 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ partRows, crashAt, phase, firstCut }) => {
        const store = freshStore();
        // A lake compacted once, then the rest staged along with a retried slice overlapping both.
        await stageSlices(store, recs, [[0, firstCut]]);
        await drain(store, partRows);
        await stageSlices(store, recs, [
          [firstCut, 30],
          [Math.max(0, firstCut - 4), Math.min(30, firstCut + 3)],
        ]);
        const crashing = new CrashingObjectStore(store, crashAt, phase, () =>
          checkReaderView(store, expected),
        );
        try {
          await bronzeOver(crashing, { partRows, objectsPerChunk: 2 }).compactor.run();
        } catch (err) {
          if (!(err instanceof SimulatedCrash)) throw err;
        }
        await checkReaderView(store, expected);
        await drain(store, partRows);
        expect(texts((await readTickLake(store)).ticks)).toEqual(texts(expected));
        await checkParts(store, partRows);
      }),
      { numRuns: 30 },
    );
  }, 180_000);

  it('reads and writes a bounded part of a file however many parts it holds', async () => {
    const store = freshStore();
    const io = new CountingStore(store);
    const partRows = 50;
    const symbol = 'BTC-USD';
    const batch = (from: number, n: number): DecodedRecord[] =>
      Array.from({ length: n }, (_, j) => ({
        shardId: SHARDS[0]!,
        sequenceNumber: seq(from + j),
        arrivalTime: H0 + from + j,
        payloads: [JSON.stringify({ symbol, ts: H0 + from + j, price: 1, size: 1 })],
      }));
    const compactor = bronzeOver(io, { partRows }).compactor;
    const writer = bronzeOver(store).writer;
    let next = 0;
    const perRun: { gets: number; lists: number; putRows: number }[] = [];
    for (let run = 0; run < 12; run++) {
      await writer.writeBatch(batch(next, 30));
      next += 30;
      io.reset();
      await compactor.run();
      perRun.push({ gets: io.tickGets, lists: io.tickLists, putRows: io.tickRowsPut });
    }
    const parts = (await store.list('ticks/')).length;
    expect(parts).toBe(Math.ceil((12 * 30) / partRows));
    // Every run: part 0's footer, at most a LIST and the last part; at most the open part and a new one written.
    for (const r of perRun) {
      expect(r.gets).toBeLessThanOrEqual(2);
      expect(r.lists).toBeLessThanOrEqual(1);
      expect(r.putRows).toBeLessThanOrEqual(partRows + 30);
    }
    // A retried batch inside the file's ranges reads only the parts it overlaps.
    await writer.writeBatch(batch(60, 10));
    io.reset();
    const retry = await compactor.run();
    expect(retry).toMatchObject({ duplicatesDropped: 10, filesWritten: 0 });
    expect(io.tickGets).toBeLessThanOrEqual(3);
    expect(texts((await readTickLake(store)).ticks)).toEqual(texts(expectedTicks(batch(0, next))));
  });

  it('is read by the DuckDB ticks view as every row once, parts included', async () => {
    const store = freshStore();
    const recs = records(40);
    await stageSlices(store, recs, [
      [0, 25],
      [10, 40],
    ]);
    await drain(store, 4);
    expect((await store.list('ticks/')).some((k) => /-p\d{4}\.parquet$/.test(k))).toBe(true);
    const lake = await DuckDbLake.open({ lakeDir: store.root });
    try {
      const [counts] = rowObjects(
        await lake.run(
          'SELECT count(*) AS n, count(DISTINCT (shard_id, sequence_number, sub_index)) AS ids FROM ticks',
        ),
      );
      const n = expectedTicks(recs).length;
      expect(counts).toEqual({ n, ids: n });
    } finally {
      await lake.close();
    }
  });

  it('continues a file written before parts existed: small, it is the open part; large, it is sealed as it is', async () => {
    for (const [rows, partRows] of [
      [5, 10],
      [12, 10],
    ] as const) {
      const store = freshStore();
      const recs = records(60).filter((r) => !r.payloads[0]!.startsWith('['));
      const old = expectedTicks(recs)
        .filter((t) => t.tick.symbol === 'BTC-USD' && hourFileOf('BTC-USD', t.tick.ts).hour === 13)
        .slice(0, rows);
      const file = hourFileOf('BTC-USD', old[0]!.tick.ts);
      // As the compactor wrote hour files before parts: one file, no footer.
      await store.put(file.key, encodeParquet(TICKS_SCHEMA, [...old].sort(compareTicks).map(lakeTickRow)));
      expect(parquetFooter((await store.get(file.key))!).keyValue.has('tickflow.bronze.parts')).toBe(false);
      await stageSlices(store, recs, [[0, recs.length]]);
      const report = await bronzeOver(store, { partRows }).compactor.run();
      expect(report.duplicatesDropped).toBe(rows);
      const keys = (await store.list(file.key.slice(0, -'.parquet'.length))).filter(
        (k) => partNumberOf(file, k) !== undefined,
      );
      const untouched = rows >= partRows;
      expect(keys.includes(file.key)).toBe(true);
      expect(report.filesWritten >= 1).toBe(true);
      if (untouched)
        expect(parquetFooter((await store.get(file.key))!).keyValue.has('tickflow.bronze.parts')).toBe(false);
      expect(texts((await readTickLake(store)).ticks)).toEqual(texts(expectedTicks(recs)));
      expect(texts(await new S3TickLake(store).read(file))).toEqual(
        texts(expectedTicks(recs).filter((t) => hourFileOf(t.tick.symbol, t.tick.ts).key === file.key)),
      );
    }
  });
});

/** Counts the compactor's requests on `ticks/` and the rows it puts there. */
class CountingStore implements ObjectStore {
  tickGets = 0;
  tickLists = 0;
  tickRowsPut = 0;
  constructor(private readonly inner: ObjectStore) {}
  reset(): void {
    this.tickGets = 0;
    this.tickLists = 0;
    this.tickRowsPut = 0;
  }
  async put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    if (key.startsWith('ticks/')) this.tickRowsPut += parquetFooter(body).rows;
    await this.inner.put(key, body, contentType);
  }
  get(key: string): Promise<Uint8Array | undefined> {
    if (key.startsWith('ticks/')) this.tickGets++;
    return this.inner.get(key);
  }
  list(prefix: string): Promise<string[]> {
    if (prefix.startsWith('ticks/')) this.tickLists++;
    return this.inner.list(prefix);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
