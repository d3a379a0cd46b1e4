/**
 * One hot symbol through the whole local pipeline: 2,000 ticks/s of event time with 32-hex-digit
 * trade ids, 1% producer retries and arrival jitter beyond a minute. Nothing may reach the
 * on-failure destination (the old one-item state overflowed DynamoDB's 400 KB limit here), every
 * retry is dropped however far its original lagged, and the lake equals the independent reference.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runLocalPipeline } from '../../local/run/local-run.js';
import { expectSameBars, lakeBars, lakeLate, lateKey } from '../support/lake-check.js';
import { marketLoadCsv } from '../support/market-load.js';
import { referenceFor } from '../support/reference.js';

const INTERVALS = [
  { label: '1m', sizeMs: 60_000, slideMs: 60_000 },
  { label: '5m_1m', sizeMs: 300_000, slideMs: 60_000 },
];
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a symbol at 2,000 ticks/s with hex ids loses nothing and drops exactly the retries', {
  timeout: 240_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-hot-'));
  const csv = marketLoadCsv({ ticks: 80_000, rate: 2_000, seed: 3 });
  const file = join(dir, 'hot.csv');
  await writeFile(file, csv.text);
  const reference = await referenceFor(csv.rows, INTERVALS);
  // Retries whose original lagged the symbol's max by more than the old 60 s horizon.
  const shortHorizon = await referenceFor(csv.rows, INTERVALS, 600_000, 60_000);
  expect(reference.duplicates).toBeGreaterThan(shortHorizon.duplicates);

  const summary = await runLocalPipeline({
    source: { kind: 'replay', file },
    out: join(dir, 'out'),
    intervals: INTERVALS.map((i) => i.label),
    shards: 1,
  });
  expect(summary.records.toDestination).toBe(0);
  expect(summary.valid).toBe(reference.valid);
  expect(summary.duplicates).toBe(reference.duplicates);
  expectSameBars(await lakeBars(summary.lake.dir), reference.bars);
  expect(await lakeLate(summary.lake.dir)).toEqual(reference.late.map(lateKey).sort());
});
