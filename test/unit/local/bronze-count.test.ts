/**
 * The local run counts the bronze layer from the lake's `ticks/` files (`exportRun`), not from the last
 * compaction's report: whichever compactor run wrote a part, a reader sees its rows, and the count says
 * how many distinct ticks that is.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exportRun } from '../../../local/run/export-lake.js';
import { bronzeOver } from '../../../shared/adapters/bronze/wiring.js';
import { FileObjectStore } from '../../../shared/adapters/file-object-store.js';
import { decodeParquet } from '../../../shared/adapters/parquet/index.js';
import { record, seq, T0 } from '../../support/bronze/factories.js';

const PART_ROWS = 50;
const BATCHES = 3;
const RECORDS_PER_BATCH = 30;
const TICKS_PER_RECORD = 4;
const TOTAL = BATCHES * RECORDS_PER_BATCH * TICKS_PER_RECORD;

let dir: string;
let lake: FileObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-bronze-count-'));
  lake = new FileObjectStore(join(dir, 'bucket'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Stages one batch of records per compactor run, as a compactor on a schedule meets them. */
async function compactInRuns(): Promise<number[]> {
  const { writer, compactor } = bronzeOver(lake, { partRows: PART_ROWS });
  const rowsOut: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const records = Array.from({ length: RECORDS_PER_BATCH }, (_, j) => {
      const n = b * RECORDS_PER_BATCH + j;
      const ticks = Array.from({ length: TICKS_PER_RECORD }, (_, k) => ({
        symbol: k % 2 === 0 ? 'EUR/USD' : 'BTC-USDT',
        ts: T0 + n * 1_000 + k,
        price: 100 + k,
        size: 1,
      }));
      return record(seq(n), [JSON.stringify(ticks)]);
    });
    await writer.writeBatch(records);
    rowsOut.push((await compactor.run()).rowsOut);
  }
  return rowsOut;
}

const ticksParts = async () => (await lake.list('ticks/')).sort();

it('counts every part of every hour file, whichever compaction run wrote it', async () => {
  const rowsOut = await compactInRuns();
  // The last run rewrote only the parts it touched: its report alone is short of the layer.
  expect(rowsOut.at(-1)).toBeLessThan(TOTAL);
  const parts = await ticksParts();
  expect(parts.length).toBeGreaterThan(2);

  const { counts } = await exportRun(lake, join(dir, 'out'));
  expect(counts.bronze).toEqual({ ticks: TOTAL, rows: TOTAL, files: parts.length });
});

it('counts a lake that lost a part short by exactly that part’s ticks', async () => {
  await compactInRuns();
  const sealed = (await ticksParts()).find((key) => key.includes('-p0001'))!;
  const lost = (await decodeParquet(await readFile(join(dir, 'bucket', sealed)), ['ts'])).length;
  expect(lost).toBe(PART_ROWS);
  await lake.delete(sealed);

  const { counts } = await exportRun(lake, join(dir, 'out'));
  expect(counts.bronze.ticks).toBe(TOTAL - lost);
  expect(counts.bronze.rows).toBe(TOTAL - lost);
});

it('counts a tick stored twice once, and shows the extra rows', async () => {
  await compactInRuns();
  const [first] = await ticksParts();
  const copied = (await decodeParquet(await readFile(join(dir, 'bucket', first!)), ['ts'])).length;
  // The same rows again as a later part of the same file: a reader would see each twice.
  await copyFile(
    join(dir, 'bucket', first!),
    join(dir, 'bucket', first!.replace('.parquet', '-p0099.parquet')),
  );

  const { counts } = await exportRun(lake, join(dir, 'out'));
  expect(counts.bronze.ticks).toBe(TOTAL);
  expect(counts.bronze.rows).toBe(TOTAL + copied);
});
