/**
 * A fake of the Athena API for tests: there is no Athena on this machine (and no LocalStack, which
 * would need Docker). `send` replays a scripted exchange, checking each command's name and input in
 * order, so a test fails if the client asks for anything else. The responses follow the shapes of the
 * Athena API reference (GetQueryExecution, GetQueryResults); they were written by hand, not captured.
 */

import type { AthenaCommand, AthenaSender } from '../../../shared/adapters/query/athena-query.js';

export interface Exchange {
  /** Command class name without the `Command` suffix, e.g. `GetQueryResults`. */
  readonly command: string;
  /** Fields the input must have (compared with toEqual on each key given). */
  readonly input?: Readonly<Record<string, unknown>>;
  readonly output?: unknown;
  /** Thrown instead of returning `output`. */
  readonly error?: Error;
}

export class ReplayAthena implements AthenaSender {
  readonly sent: { command: string; input: Record<string, unknown> }[] = [];
  private next = 0;

  constructor(private readonly script: readonly Exchange[]) {}

  async send(command: AthenaCommand): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input as unknown as Record<string, unknown>;
    this.sent.push({ command: name, input });
    const expected = this.script[this.next++];
    if (!expected) throw new Error(`unexpected ${name} after the end of the script`);
    if (expected.command !== name) throw new Error(`expected ${expected.command}, got ${name}`);
    for (const [key, value] of Object.entries(expected.input ?? {})) {
      if (JSON.stringify(input[key]) !== JSON.stringify(value)) {
        throw new Error(
          `${name}.${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(input[key])}`,
        );
      }
    }
    if (expected.error) throw expected.error;
    return expected.output;
  }

  /** Whether every scripted exchange was used. */
  get finished(): boolean {
    return this.next === this.script.length;
  }
}

const column = (Name: string, Type: string) => ({
  CatalogName: 'hive',
  SchemaName: '',
  TableName: '',
  Name,
  Label: Name,
  Type,
  Precision: Type === 'varchar' ? 2147483647 : 17,
  Scale: 0,
  Nullable: 'UNKNOWN',
  CaseSensitive: Type === 'varchar',
});
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});
export const execution = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
  QueryExecution: {
    QueryExecutionId: id,
    StatementType: 'DML',
    WorkGroup: 'tickflow',
    Status: { State: state, ...extra },
    ...(state === 'SUCCEEDED' && {
      Statistics: { DataScannedInBytes: 52_428_800 + 1, EngineExecutionTimeInMillis: 812 },
    }),
  },
});

const COLUMNS = [
  column('symbol', 'varchar'),
  column('window_start', 'timestamp'),
  column('close', 'double'),
  column('trade_count', 'bigint'),
  column('vwap', 'double'),
  column('is_up', 'boolean'),
];

/** A SELECT that is queued, runs, succeeds, and returns 3 rows over two pages (header row on page 1). */
export const SUCCEEDED_EXCHANGE: readonly Exchange[] = [
  {
    command: 'StartQueryExecution',
    input: {
      QueryString: 'SELECT 1',
      WorkGroup: 'tickflow',
      QueryExecutionContext: { Database: 'tickflow' },
    },
    output: { QueryExecutionId: 'q-1' },
  },
  { command: 'GetQueryExecution', input: { QueryExecutionId: 'q-1' }, output: execution('q-1', 'QUEUED') },
  { command: 'GetQueryExecution', output: execution('q-1', 'RUNNING') },
  { command: 'GetQueryExecution', output: execution('q-1', 'SUCCEEDED') },
  {
    command: 'GetQueryResults',
    input: { QueryExecutionId: 'q-1' },
    output: {
      UpdateCount: 0,
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: COLUMNS },
        Rows: [
          row('symbol', 'window_start', 'close', 'trade_count', 'vwap', 'is_up'),
          row('EUR/USD', '2024-01-02 11:29:00.000', '1.1075', '6', '1.106', 'true'),
          row('EUR/USD', '2024-01-02 11:00:00.000', '1.104', '0', undefined, 'false'),
        ],
      },
      NextToken: 'page-2',
    },
  },
  {
    command: 'GetQueryResults',
    input: { QueryExecutionId: 'q-1', NextToken: 'page-2' },
    output: {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: COLUMNS },
        Rows: [row('BTCUSDT', '2024-01-02 11:15:00.000', '40950.0', '9007199254740993', 'NaN', 'false')],
      },
    },
  },
];

/** A query Athena fails with a semantic error and its position. */
export const FAILED_EXCHANGE: readonly Exchange[] = [
  { command: 'StartQueryExecution', output: { QueryExecutionId: 'q-2' } },
  { command: 'GetQueryExecution', output: execution('q-2', 'RUNNING') },
  {
    command: 'GetQueryExecution',
    output: execution('q-2', 'FAILED', {
      StateChangeReason:
        "COLUMN_NOT_FOUND: line 2:3: Column 'nope' cannot be resolved or requester is not authorized to access requested resources",
      AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false },
    }),
  },
];

/**
 * One SELECT that succeeds at once and returns `rows` (cells as Athena prints them; undefined for
 * NULL) on one page, checking the SQL text sent.
 */
export function selectExchange(
  id: string,
  sql: string,
  columns: readonly (readonly [name: string, type: string])[],
  rows: readonly (readonly (string | undefined)[])[],
): Exchange[] {
  const info = columns.map(([name, type]) => column(name, type));
  return [
    {
      command: 'StartQueryExecution',
      input: { QueryString: sql, WorkGroup: 'tickflow', QueryExecutionContext: { Database: 'tickflow' } },
      output: { QueryExecutionId: id },
    },
    { command: 'GetQueryExecution', input: { QueryExecutionId: id }, output: execution(id, 'SUCCEEDED') },
    {
      command: 'GetQueryResults',
      input: { QueryExecutionId: id },
      output: {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: info },
          Rows: [row(...columns.map(([name]) => name)), ...rows.map((r) => row(...r))],
        },
      },
    },
  ];
}
