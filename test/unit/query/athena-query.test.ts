/**
 * The Athena client path against a fake (ReplayAthena): no Athena or LocalStack runs here, so a stub
 * `send` replays a scripted exchange — polling, pagination, type mapping, scan cost, failure, Ctrl-C.
 */

import { describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../../shared/adapters/query/athena-query.js';
import { athenaBilledBytes, athenaQueryCostUsd } from '../../../shared/query/athena-cost.js';
import { QueryCancelledError, SqlError } from '../../../shared/query/errors.js';
import { rowObjects } from '../../../shared/query/result.js';
import {
  execution,
  FAILED_EXCHANGE,
  ReplayAthena,
  SUCCEEDED_EXCHANGE,
} from '../../support/query/athena-replay.js';

const engine = (fake: ReplayAthena, waits: number[] = []) =>
  new AthenaQueryEngine({
    client: fake,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });

describe('AthenaQueryEngine (against a replayed fake of the Athena API)', () => {
  it('polls with backoff, pages through results, drops the header row and maps the types', async () => {
    const fake = new ReplayAthena(SUCCEEDED_EXCHANGE);
    const waits: number[] = [];
    const result = await engine(fake, waits).run('SELECT 1');
    expect(fake.finished).toBe(true);
    expect(waits).toEqual([250, 375]);
    expect(result.columns.map((c) => [c.name, c.kind])).toEqual([
      ['symbol', 'string'],
      ['window_start', 'timestamp'],
      ['close', 'number'],
      ['trade_count', 'integer'],
      ['vwap', 'number'],
      ['is_up', 'boolean'],
    ]);
    expect(rowObjects(result)).toEqual([
      {
        symbol: 'EUR/USD',
        window_start: '2024-01-02T11:29:00.000Z',
        close: 1.1075,
        trade_count: 6,
        vwap: 1.106,
        is_up: true,
      },
      {
        symbol: 'EUR/USD',
        window_start: '2024-01-02T11:00:00.000Z',
        close: 1.104,
        trade_count: 0,
        vwap: null,
        is_up: false,
      },
      {
        symbol: 'BTCUSDT',
        window_start: '2024-01-02T11:15:00.000Z',
        close: 40950,
        trade_count: '9007199254740993',
        vwap: Number.NaN,
        is_up: false,
      },
    ]);
  });

  it('reports bytes scanned and the cost at $5/TB rounded up to the MB', async () => {
    const { stats } = await engine(new ReplayAthena(SUCCEEDED_EXCHANGE)).run('SELECT 1');
    expect(stats).toMatchObject({ engine: 'athena', queryId: 'q-1', scannedBytes: 52_428_801 });
    // 50 MiB + 1 byte bills as 51 MiB.
    expect(stats.costUsd).toBeCloseTo((51 * 2 ** 20 * 5) / 2 ** 40, 15);
  });

  it('bills at least 10 MB per query', () => {
    expect(athenaBilledBytes(0)).toBe(10 * 2 ** 20);
    expect(athenaBilledBytes(10 * 2 ** 20 + 1)).toBe(11 * 2 ** 20);
    expect(athenaQueryCostUsd(2 ** 40)).toBe(5);
  });

  it('turns a FAILED query into a one-line SqlError with the position of StateChangeReason', async () => {
    const error = (await engine(new ReplayAthena(FAILED_EXCHANGE))
      .run('SELECT symbol,\n  nope FROM bars')
      .catch((e: unknown) => e)) as SqlError;
    expect(error).toBeInstanceOf(SqlError);
    expect(error.queryId).toBe('q-2');
    expect(error.position).toEqual({ line: 2, column: 3 });
    expect(error.message).toBe(
      "athena: COLUMN_NOT_FOUND: line 2:3: Column 'nope' cannot be resolved or requester is not authorized to access requested resources (line 2, column 3: ▸nope FROM bars)",
    );
  });

  it('an InvalidRequestException at start is a SqlError too', async () => {
    const refused = Object.assign(new Error("line 1:8: mismatched input 'FORM'"), {
      name: 'InvalidRequestException',
    });
    const error = await engine(new ReplayAthena([{ command: 'StartQueryExecution', error: refused }]))
      .run('SELECT 1 FORM bars')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).position).toEqual({ line: 1, column: 8 });
  });

  it('Ctrl-C while the query runs sends StopQueryExecution and rejects as cancelled', async () => {
    const controller = new AbortController();
    const fake = new ReplayAthena([
      { command: 'StartQueryExecution', output: { QueryExecutionId: 'q-3' } },
      { command: 'GetQueryExecution', output: execution('q-3', 'RUNNING') },
      { command: 'StopQueryExecution', input: { QueryExecutionId: 'q-3' }, output: {} },
    ]);
    const athena = new AthenaQueryEngine({ client: fake, sleep: async () => controller.abort() });
    await expect(athena.run('SELECT 1', { signal: controller.signal })).rejects.toBeInstanceOf(
      QueryCancelledError,
    );
    expect(fake.finished).toBe(true);
  });
});
