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
});
