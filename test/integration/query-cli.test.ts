/**
 * `tickflow query` as a user runs it: flags, output formats, one-line SQL errors and exit codes, on a
 * small local lake (DuckDB) and, for --athena, on the replayed fake of the Athena API.
 */

import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../cli/commands/query.js';
import { UsageError } from '../../cli/options.js';
import { AthenaQueryEngine } from '../../shared/adapters/query/athena-query.js';
import { DuckDbLake } from '../../shared/adapters/query/duckdb-lake.js';
import { ReplayAthena, SUCCEEDED_EXCHANGE } from '../support/query/athena-replay.js';
import { writeSmallLake } from '../support/query/small-lake.js';

let lakeDir: string;
let remove: () => void;
beforeAll(() => ({ lakeDir, remove } = writeSmallLake()));
afterAll(() => remove());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `tickflow query …`; returns stdout, stderr and the exit code the CLI would use. */
async function tickflow(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const program = new Command('tickflow').exitOverride();
  register(program, {
    local: (dir) => DuckDbLake.open({ lakeDir: dir }),
    athena: (options) =>
      new AthenaQueryEngine({
        ...options,
        client: new ReplayAthena(SUCCEEDED_EXCHANGE),
        sleep: async () => {},
      }),
  });
  await program.parseAsync(['query', ...args], { from: 'user' });
  vi.restoreAllMocks();
  return { stdout: out.join(''), stderr: err.join(''), code: process.exitCode ?? 0 };
}

const SQL = `SELECT symbol, window_start, close, vwap FROM bars
  WHERE symbol = 'EUR/USD' AND "interval" = '1m' AND "date" = '2024-01-02' ORDER BY window_start LIMIT 2`;

describe('tickflow query', () => {
  it('prints an aligned table with a row count', async () => {
    const { stdout, stderr, code } = await tickflow(SQL, '--lake', lakeDir);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'symbol   window_start              close    vwap',
      '-------  ------------------------  -----  ------',
      'EUR/USD  2024-01-02T09:00:00.000Z  1.101  1.1005',
      'EUR/USD  2024-01-02T10:30:00.000Z  1.103  1.1025',
      '(2 rows)',
      '',
    ]);
    expect(stderr).toMatch(/^2 rows in \d+ ms\n$/);
  });

  it('prints CSV with a header and empty cells for nulls', async () => {
    const { stdout } = await tickflow(
      `SELECT reason, field, count(*) AS n FROM quarantine GROUP BY ALL ORDER BY n DESC, reason`,
      '--lake',
      lakeDir,
      '--format',
      'csv',
    );
    expect(stdout).toBe('reason,field,n\nprice must be > 0,price,3\ninvalid symbol,symbol,1\nnot JSON,,1\n');
  });

  it('prints JSON row objects, and runs a named query with --param', async () => {
    const { stdout } = await tickflow(
      '--named',
      'latest-bars',
      '--param',
      'symbol=EUR/USD',
      '--param',
      'limit=1',
      '--lake',
      lakeDir,
      '--format',
      'json',
    );
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({
        symbol: 'EUR/USD',
        interval: '1m',
        window_start: '2024-01-02T11:29:00.000Z',
        trade_count: 6,
      }),
    ]);
  });

  it('quotes parameters safely: a quote in a value cannot change the query', async () => {
    const { stdout, code } = await tickflow(
      '--named',
      'latest-bars',
      '--param',
      "symbol=x' OR '1'='1",
      '--lake',
      lakeDir,
      '--format',
      'csv',
    );
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('a SQL error is one line with its position and exit code 1', async () => {
    const { stdout, stderr, code } = await tickflow('SELECT nope FROM bars', '--lake', lakeDir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^tickflow query: duckdb: Binder Error: .* \(line 1, column 8: SELECT ▸nope FROM bars\)\n$/,
    );
  });

  it('a missing lake directory is one line and exit code 1', async () => {
    const { stderr, code } = await tickflow('SELECT 1', '--lake', `${lakeDir}/missing`);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tickflow query: lake directory .*missing not found/);
  });

  it('--athena prints the rows and the bytes scanned with their cost', async () => {
    const { stdout, stderr } = await tickflow('SELECT 1', '--athena', '--format', 'csv');
    expect(stdout.split('\n')[0]).toBe('symbol,window_start,close,trade_count,vwap,is_up');
    expect(stdout.split('\n')).toHaveLength(5);
    expect(stderr).toMatch(/^3 rows in \d+ ms, scanned 50\.0 MiB ≈ \$0\.000243 \(Athena query q-1\)\n$/);
  });

  it('--athena --workgroup --database reach an environment whose prefix is not the default', async () => {
    const exchange = SUCCEEDED_EXCHANGE.map((e, i) =>
      i === 0
        ? {
            ...e,
            input: {
              QueryString: 'SELECT 1',
              WorkGroup: 'tickflow-dev',
              QueryExecutionContext: { Database: 'tickflow_dev' },
            },
          }
        : e,
    );
    const program = new Command('tickflow').exitOverride();
    register(program, {
      local: (dir) => DuckDbLake.open({ lakeDir: dir }),
      athena: (options) =>
        new AthenaQueryEngine({ ...options, client: new ReplayAthena(exchange), sleep: async () => {} }),
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await program.parseAsync(
      ['query', 'SELECT 1', '--athena', '--workgroup', 'tickflow-dev', '--database', 'tickflow_dev'],
      { from: 'user' },
    );
    vi.restoreAllMocks();
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('--list-named shows every named query with its parameters', async () => {
    const { stdout } = await tickflow('--list-named', '--format', 'csv');
    expect(stdout).toContain('latest-bars,symbol (required) interval=1m limit=20,');
    expect(stdout.trim().split('\n')).toHaveLength(6);
  });

  it.each([
    [[], 'exactly one of'],
    [['SELECT 1', '--named', 'latest-bars'], 'exactly one of'],
    [['SELECT 1', '--param', 'a=b'], '--param only goes with --named'],
    [['SELECT 1', '--athena', '--lake', '/tmp'], '--lake and --athena'],
    [['SELECT 1', '--workgroup', 'w'], 'only apply with --athena'],
    [['SELECT 1', '--database', 'd'], 'only apply with --athena'],
    [['--named', 'latest-bars'], 'missing --param symbol'],
    [['--named', 'nope'], 'unknown; known: latest-bars'],
    [['--named', 'latest-bars', '--param', 'symbol=A', '--param', 'limit=0'], 'limit=0: expected an integer'],
  ])('refuses %j with a UsageError', async (args, message) => {
    await expect(tickflow(...args)).rejects.toThrow(UsageError);
    await expect(tickflow(...args)).rejects.toThrow(message);
  });
});
