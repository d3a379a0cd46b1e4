/**
 * `tickflow local run` as a user runs it: a replay file with symbols like EUR/USD and XAU:USD and
 * malformed rows, through the real CLI entry point, leaves a Hive-partitioned Parquet lake that DuckDB
 * reads, a summary with the counts, and no emulator process behind.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const dirs: string[] = [];
let summaryOfFirstRun: string | undefined;
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const CSV = `ts,symbol,price,size,id
2024-03-14T23:58:00.000Z,EUR/USD,1.0871,100000,e1
1710460690000,XAU:USD,2150.5,2,x1
1710460700000,EUR/USD,1.0873,50000,e2
1710460700000,EUR/USD,1.0873,50000,e2
1710460701000,EUR/USD,-1,50000,e3
1710460702000,BAD SYMBOL,1.1,1,b1
not-a-time,XAU:USD,2151,1,x2
1710460703000,XAU:USD,2151.5
2024-03-15T00:01:30Z,EUR/USD,1.0875,25000,e4
1710460990000,XAU:USD,2152,0,x3
`;

/** Emulator hosts that no live process owns any more (orphans re-parented to init). */
async function orphanedEmulators(): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid,ppid,args']);
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.slice(2).join(' ').includes('emulator-host') && f[1] === '1')
    .map((f) => f[0]!);
}

it('replays a CSV into a lake DuckDB reads, with the quarantine and duplicate counts', {
  timeout: 180_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-cli-'));
  dirs.push(dir);
  await writeFile(join(dir, 'ticks.csv'), CSV);
  const { stdout } = await run(
    process.execPath,
    [
      'bin/tickflow.mjs',
      'local',
      'run',
      '--replay',
      join(dir, 'ticks.csv'),
      '--out',
      join(dir, 'out'),
      '--no-preprocess',
      '--no-progress',
    ],
    { cwd: process.cwd(), env: { ...process.env, CI: 'true' } },
  );
  expect(stdout).toContain('ticks in      10  = valid 6 + quarantined 4');
  const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8'));
  expect(summary).toMatchObject({ rows: 10, valid: 6, quarantined: 4, duplicates: 1, symbols: 2 });
  // Bronze keeps every valid tick once (the trade-id duplicate too), compacted once after the stream.
  expect(summary.bronze).toMatchObject({ ticks: 6, rows: 6, missing: 0, compactions: 1 });
  // Every run carries its metered cost.
  expect(stdout).toContain('per million ticks');
  expect(summary.cost.usage['dynamodb.writeUnits']).toBeGreaterThan(0);
  expect(summary.cost.usage['kinesis.putPayloadUnits']).toBeGreaterThan(0);
  expect(summary.cost.usage['s3.putCopyPostListRequests']).toBeGreaterThan(0);
  expect(summary.cost.usage['lambda.gbSeconds']).toBeGreaterThan(0);
  expect(summary.cost.perMillionTicks).toBeGreaterThan(0);
  expect(summary.discarded).toMatchObject({ records: 0, ticks: 0, ticksNotAggregated: 0 });
  summaryOfFirstRun = join(dir, 'out', 'summary.json');
  // The run ends with its report beside summary.json: every symbol, and the accounting identity holds.
  const report = join(dir, 'out', 'report.html');
  expect(stdout).toContain(`  report        ${report}\n`);
  const html = await readFile(report, 'utf8');
  for (const symbol of ['EUR/USD', 'XAU:USD']) expect(html).toContain(`<option value="${symbol}"`);
  expect(html).toContain('<th>ticks in</th><td>10 = 6 valid + 4 quarantined</td><td class="ok">holds</td>');
  expect(html).toContain('<th>1m ticks</th>');
  expect(html).not.toContain('class="bad"');

  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const rows = (
    await c.runAndReadAll(
      `SELECT interval, symbol, count(*) AS n FROM read_parquet('${join(dir, 'out', 'lake')}/bars/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
    )
  ).getRowObjectsJS();
  c.closeSync();
  db.closeSync();
  expect(new Set(rows.map((r) => r.interval)).size).toBeGreaterThanOrEqual(5);
  expect(new Set(rows.map((r) => r.symbol))).toEqual(new Set(['EUR/USD', 'XAU:USD']));
  // Other test files may run emulators of their own meanwhile; none may be left without an owner.
  expect(await orphanedEmulators()).toEqual([]);
});

it('a bad flag gets a message that says what to do, and exit code 2', async () => {
  const err = await run(process.execPath, [
    'bin/tickflow.mjs',
    'local',
    'run',
    '--simulate',
    '--batch-size',
    'lots',
  ]).catch((e: { code: number; stderr: string }) => e);
  expect(err).toMatchObject({ code: 2 });
  expect((err as { stderr: string }).stderr).toContain(
    "option '--batch-size <n>' argument 'lots' is invalid",
  );
  expect((err as { stderr: string }).stderr).toContain('expected a positive integer');
  const never = await run(process.execPath, [
    'bin/tickflow.mjs',
    'local',
    'run',
    '--simulate',
    '--compact-every',
    '0s',
  ]).catch((e: { code: number; stderr: string }) => e);
  expect(never).toMatchObject({ code: 2 });
  expect((never as { stderr: string }).stderr).toContain('expected a duration above 0, like 30s or 5m');
});

it('a run that sent records to the on-failure destination says so and exits 3, also under --chaos', {
  timeout: 180_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-cli-'));
  dirs.push(dir);
  const out = join(dir, 'out');
  // Write faults on half the writes and no retries: batches are given up on, as Lambda does once
  // MaximumRetryAttempts is spent.
  const err = await run(
    process.execPath,
    [
      'bin/tickflow.mjs',
      'local',
      'run',
      '--simulate',
      '--ticks',
      '3000',
      '--chaos',
      '0.5',
      '--max-retries',
      '0',
      '--out',
      out,
      '--no-preprocess',
      '--no-progress',
    ],
    { cwd: process.cwd(), env: { ...process.env, CI: 'true' } },
  ).catch((e: { code: number; stdout: string }) => e);
  expect(err).toMatchObject({ code: 3 });
  const stdout = (err as { stdout: string }).stdout;
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  expect(summary.discarded.records).toBeGreaterThan(0);
  expect(summary.discarded.records).toBe(summary.records.toDestination);
  expect(summary.discarded.ticks).toBeGreaterThanOrEqual(summary.discarded.ticksNotAggregated);
  expect(summary.discarded.ticksNotAggregated).toBe(3000 - summary.rows);
  expect(stdout).toContain(`DATA LOST     ${summary.discarded.records.toLocaleString('en-US')} records`);
  // Bronze, counted from its files, lacks at most the ticks the bronze writer gave up on (some of its
  // failed writes took effect before they failed); every tick here is valid.
  const gaveUp = summary.discarded.byConsumer.bronze?.ticks ?? 0;
  expect(summary.bronze.ticks).toBeLessThanOrEqual(3000);
  expect(summary.bronze.ticks).toBeGreaterThanOrEqual(3000 - gaveUp);
  expect(summary.bronze.missing).toBe(Math.max(0, summary.valid - summary.bronze.ticks));
  if (summary.bronze.missing > 0)
    expect(stdout).toContain(`BRONZE SHORT  ${summary.bronze.missing.toLocaleString('en-US')} valid ticks`);
  // The failed batches, whole, as the S3 on-failure destination keeps them: a dry run of the replay reads them.
  const failed = join(out, 'failed-batches');
  expect(stdout).toContain(failed);
  const listed = await run(process.execPath, [
    'bin/tickflow.mjs',
    'dlq',
    'replay',
    '--dir',
    failed,
    '--dry-run',
    '--json',
  ]);
  const replay = JSON.parse(listed.stdout);
  expect(replay.batches).toBe(summary.discarded.batches);
  // A record both consumers gave up on is in two batches and would be put once.
  expect(replay.records + replay.duplicateRecords).toBe(summary.discarded.records);
});

it('with --compact-every the compactor also runs during the stream, and bronze still holds every valid tick', {
  timeout: 180_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-cli-'));
  dirs.push(dir);
  const out = join(dir, 'out');
  // Three seconds of publishing with a run every second: parts written by earlier runs are in the count.
  const { stdout } = await run(
    process.execPath,
    [
      'bin/tickflow.mjs',
      'local',
      'run',
      '--simulate',
      '--ticks',
      '6000',
      '--rate',
      '2000',
      '--compact-every',
      '1s',
      '--out',
      out,
      '--no-preprocess',
      '--no-progress',
    ],
    { cwd: process.cwd(), env: { ...process.env, CI: 'true' } },
  );
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  expect(summary.valid).toBe(6000);
  expect(summary.bronze.compactions).toBeGreaterThanOrEqual(2);
  expect(summary.bronze).toMatchObject({ ticks: 6000, rows: 6000, missing: 0 });
  expect(stdout).not.toContain('BRONZE SHORT');
  expect(stdout).toMatch(/bronze +6,000 raw ticks in \d+ files .*, \d+ compaction runs/);
});

it('tickflow cost projects a run to another rate and symbol count; bad input exits 2', {
  timeout: 180_000,
}, async () => {
  expect(summaryOfFirstRun).toBeDefined();
  const { stdout } = await run(process.execPath, [
    'bin/tickflow.mjs',
    'cost',
    '--summary',
    summaryOfFirstRun!,
    '--rate',
    '1000',
    '--symbols',
    '100',
    '--json',
  ]);
  const projection = JSON.parse(stdout);
  expect(projection).toMatchObject({ ticksPerSecond: 1000, symbols: 100 });
  expect(projection.totalPerMonth).toBeCloseTo(
    projection.perMonth + projection.metricsPerMonth + projection.idlePerMonth,
    9,
  );

  const badInputs = [
    [['--summary', '/nonexistent/summary.json'], 'no such file'],
    [['--summary', summaryOfFirstRun!, '--rate', 'fast'], 'expected a number > 0'],
    [['--summary', summaryOfFirstRun!, '--symbols', '0'], 'expected a positive integer'],
    [['--summary', 'package.json'], 'has no cost section'],
  ] as const;
  const errors = await Promise.all(
    badInputs.map(([args]) =>
      run(process.execPath, ['bin/tickflow.mjs', 'cost', ...args]).catch(
        (e: { code: number; stderr: string }) => e,
      ),
    ),
  );
  badInputs.forEach(([args, message], i) => {
    expect(errors[i], args.join(' ')).toMatchObject({ code: 2 });
    expect((errors[i] as { stderr: string }).stderr).toContain(message);
  });
});
