/**
 * Backfill from the bronze layer, end to end: a replay file with every awkward case of the stream
 * contract goes through the local pipeline (kinesalite → event source mappings → aggregator and
 * bronze writer → lake); then `tickflow backfill`'s state machine, rendered from the CDK factory and
 * run on the local ASL interpreter, replays the lake's bronze ticks. Its bars and late ticks must be
 * the stream's for the same settings, the independent SQL reference's (test/support/reference.ts)
 * for new intervals and another lateness, and a run that dies half-way must leave every partition
 * whole (old or new, never a mix) and be repaired by running it again.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/backfill.js';
import { runBackfillLocally } from '../../local/backfill/index.js';
import { runLocalPipeline } from '../../local/run/local-run.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import { CrashingObjectStore } from '../support/bronze/crashing-store.js';
import { type ContractCsv, contractCsv } from '../support/contract-csv.js';
import { expectSameBars, lakeBars, lakeLate, lateKey } from '../support/lake-check.js';
import { type ReferenceInterval, referenceFor } from '../support/reference.js';

const STREAM_INTERVALS = ['1m', '5m', '1d', '5m_1m'];
const interval = (label: string, sizeMs: number, slideMs = sizeMs): ReferenceInterval => ({
  label,
  sizeMs,
  slideMs,
});

let dir: string;
let csv: ContractCsv;
let streamLake: string;
let from: string;
let to: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-backfill-'));
  csv = contractCsv(1500, 5);
  const file = join(dir, 'ticks.csv');
  await writeFile(file, csv.text);
  const summary = await runLocalPipeline({
    source: { kind: 'replay', file },
    out: join(dir, 'stream'),
    intervals: STREAM_INTERVALS,
    batchSize: 37,
  });
  expect(summary.records.toDestination).toBe(0);
  streamLake = join(dir, 'stream', 'lake');
  const dates = (await files(streamLake, 'ticks')).map((k) => /date=([\d-]+)/.exec(k)![1]!).sort();
  from = dates[0]!;
  to = dates.at(-1)!;
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Keys of the files under `lake/<dataset>/`, sorted. */
async function files(lake: string, dataset: string): Promise<string[]> {
  const entries = await readdir(join(lake, dataset), { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => relative(lake, join(e.parentPath, e.name)))
    .sort();
}

async function copyOfStreamLake(name: string): Promise<string> {
  const lake = join(dir, name);
  await cp(streamLake, lake, { recursive: true });
  return lake;
}

const ofIntervals = <T extends { interval: string }>(rows: T[], labels: readonly string[]) =>
  rows.filter((r) => labels.includes(r.interval));

describe('tickflow backfill', { timeout: 300_000 }, () => {
  it('for the stream’s intervals reproduces the stream’s bars and late ticks exactly, replacing stray and missing files', async () => {
    const lake = await copyOfStreamLake('same');
    const barFiles = await files(lake, 'bars');
    // Damage the copy: one partition gone, a stray second file in another (its bars twice).
    await rm(join(lake, barFiles[0]!));
    await cp(join(lake, barFiles[1]!), join(lake, barFiles[1]!.replace('part-00000', 'part-00001')));
    expect(await lakeBars(lake)).not.toEqual(await lakeBars(streamLake));

    const { outcome } = await runBackfillLocally({
      lakeDir: lake,
      request: { from, to, intervals: STREAM_INTERVALS },
    });
    expect(outcome.symbols.length).toBeGreaterThanOrEqual(4);
    expect(await lakeBars(lake)).toEqual(await lakeBars(streamLake));
    expect(await lakeLate(lake)).toEqual(await lakeLate(streamLake));
    expect(await files(lake, 'bars')).toEqual(barFiles);
  });

  it('for new intervals (4h, 30m_5m) produces the independent reference’s bars and late ticks', async () => {
    const lake = await copyOfStreamLake('new-intervals');
    const labels = ['4h', '30m_5m'];
    await runBackfillLocally({ lakeDir: lake, request: { from, to, intervals: labels } });
    const reference = await referenceFor(csv.rows, [
      interval('4h', 14_400_000),
      interval('30m_5m', 1_800_000, 300_000),
    ]);
    expect(reference.bars.length).toBeGreaterThan(20);
    expectSameBars(ofIntervals(await lakeBars(lake), labels), reference.bars);
    expect((await lakeLate(lake)).filter((k) => /\|(4h|30m_5m)\|/.test(k))).toEqual(
      reference.late.map(lateKey).sort(),
    );
    // The stream's intervals are untouched.
    expect(ofIntervals(await lakeBars(lake), STREAM_INTERVALS)).toEqual(await lakeBars(streamLake));
  });

  it('a run that dies half-way leaves each partition old or new, and the same command run again repairs it', async () => {
    // Another lateness changes most 1m bars and late files: the old and the new lake differ.
    const request = { from, to, intervals: ['1m'], allowedLatenessMs: 0 };
    const reference = await referenceFor(csv.rows, [interval('1m', 60_000)], 0);
    const complete = await copyOfStreamLake('complete');
    await runBackfillLocally({ lakeDir: complete, request });
    expectSameBars(ofIntervals(await lakeBars(complete), ['1m']), reference.bars);

    const lake = await copyOfStreamLake('interrupted');
    const old = await bytesOf(streamLake);
    const done = await bytesOf(complete);
    const writes = Object.keys(done).filter((k) => k.includes('interval=1m/')).length;
    const crashing = new CrashingObjectStore(new FileObjectStore(lake), Math.floor(writes / 2), 'after');
    await expect(
      runBackfillLocally({ lakeDir: lake, request, store: crashing, retryDelayMs: 0 }),
    ).rejects.toThrow();
    expect(crashing.crashed).toBe(true);
    const half = await bytesOf(lake);
    let fresh = 0;
    for (const [key, bytes] of Object.entries(half)) {
      const isOld = old[key] !== undefined && Buffer.compare(bytes, old[key]) === 0;
      const isNew = done[key] !== undefined && Buffer.compare(bytes, done[key]) === 0;
      expect(isOld || isNew, key).toBe(true);
      if (isNew && !isOld) fresh++;
    }
    expect(fresh).toBeGreaterThan(0);
    expect(
      Object.keys(half).filter((key) => Buffer.compare(half[key]!, done[key] ?? Buffer.alloc(0)) !== 0),
    ).not.toEqual([]);

    await runBackfillLocally({ lakeDir: lake, request });
    expect(await bytesOf(lake)).toEqual(done);
    expect((await lakeLate(lake)).filter((k) => k.includes('|1m|'))).toEqual(
      reference.late.map(lateKey).sort(),
    );
  });

  it('after a live run, agrees with the stream where the idle flush’s watermark mark made a tick late', async () => {
    // A quiet symbol's window is closed by a mark (the idle flush), then a tick for it arrives: late on
    // the stream only because of the mark. The bronze layer keeps the mark, so backfill decides alike.
    const t0 = Math.floor((Date.now() - 180_000) / 60_000) * 60_000;
    const tick = (s: number, id: string) => ({
      partitionKey: 'Q',
      payload: { symbol: 'Q', ts: t0 + s * 1_000, price: 10 + s, size: 1, id },
    });
    async function* feed() {
      yield tick(50, 'a');
      yield tick(55, 'b');
      // Quiet for longer than the idle timeout plus what the mark needs to pass the window's end.
      await new Promise((r) => setTimeout(r, 13_000));
      yield tick(57, 'c');
    }
    const out = join(dir, 'live');
    const settings = { intervals: ['1m'], allowedLatenessMs: 5_000 };
    const summary = await runLocalPipeline({
      source: { kind: 'feed', records: feed(), describe: 'quiet symbol' },
      out,
      live: true,
      idleTimeoutMs: 1_000,
      scheduleEveryMs: 500,
      ...settings,
    });
    expect(summary.late['1m']).toBe(1);
    const live = join(out, 'lake');
    const marks = (await readdir(join(live, '_marks'), { recursive: true })).filter((f) =>
      f.endsWith('.json'),
    );
    expect(marks.length).toBeGreaterThan(0);
    const day = new Date(t0).toISOString().slice(0, 10);
    const lake = join(dir, 'live-backfilled');
    await cp(live, lake, { recursive: true });
    await rm(join(lake, 'bars'), { recursive: true, force: true });
    await rm(join(lake, 'late'), { recursive: true, force: true });
    await runBackfillLocally({ lakeDir: lake, request: { from: day, to: day, ...settings } });
    expect(await lakeBars(lake)).toEqual(await lakeBars(live));
    expect(await lakeLate(lake)).toEqual(await lakeLate(live));
    expect((await lakeBars(lake))[0]).toMatchObject({ trade_count: 2 });
  });

  it('refuses a bad range or interval with a message that says what to give', async () => {
    const program = new Command('tickflow').exitOverride();
    let stderr = '';
    program.configureOutput({ writeErr: (s) => (stderr += s) });
    register(program, { out: () => {}, err: () => {} });
    const run = (args: string[]) =>
      program.parseAsync(['backfill', ...args], { from: 'user' }).catch((e: Error) => e);
    expect(String(await run(['--lake', streamLake, '--from', '2024-03-15', '--to', '2024-03-14']))).toMatch(
      /to: 2024-03-14 is before --from 2024-03-15/,
    );
    expect(
      String(
        await run(['--lake', streamLake, '--from', '2024-03-14', '--to', '2024-03-15', '--intervals', '7x']),
      ),
    ).toMatch(/intervals: /);
    await run(['--lake', streamLake, '--from', '14.03.2024', '--to', '2024-03-15']);
    expect(stderr).toMatch(/--from.*expected a UTC date YYYY-MM-DD, got "14.03.2024"/);
    expect(String(await run(['--from', '2024-03-14', '--to', '2024-03-15']))).toMatch(
      /exactly one of --lake DIR or --aws/,
    );
  });
});

/** Every bars/ and late/ file's bytes, by key. */
async function bytesOf(lake: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const dataset of ['bars', 'late']) {
    for (const key of await files(lake, dataset)) out[key] = await readFile(join(lake, key));
  }
  return out;
}
