/**
 * SQL on Athena (engine 3) over the Glue database `tickflow`: StartQueryExecution in a workgroup, poll
 * GetQueryExecution with backoff until a final state, page through GetQueryResults (the first row of a
 * SELECT's first page is the header), map the types, and report the bytes scanned and their cost.
 * Aborting the run (Ctrl-C in the CLI) sends StopQueryExecution.
 */

import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandOutput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { athenaQueryCostUsd } from '../../query/athena-cost.js';
import { QueryCancelledError } from '../../query/errors.js';
import type { QueryColumn, QueryEngine, QueryResult, QueryValue, RunOptions } from '../../query/result.js';
import { athenaSqlError } from '../../query/sql-error.js';
import { athenaKind, athenaValue } from './athena-values.js';

export type AthenaCommand =
  | StartQueryExecutionCommand
  | GetQueryExecutionCommand
  | GetQueryResultsCommand
  | StopQueryExecutionCommand;

/** The one method used of AthenaClient: the real client, or a fake that replays an exchange in tests. */
export interface AthenaSender {
  send(command: AthenaCommand): Promise<unknown>;
}

/** Polling backoff: the first wait, growth factor and cap, in milliseconds. */
export interface PollBackoff {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

export interface AthenaQueryOptions {
  /** @default 'tickflow' */
  readonly workGroup?: string;
  /** @default 'tickflow' */
  readonly database?: string;
  /** Region for the client made here (ignored when `client` is given). @default the SDK's chain */
  readonly region?: string;
  readonly client?: AthenaSender;
  /** @default { initialMs: 250, factor: 1.5, maxMs: 2000 } */
  readonly backoff?: PollBackoff;
  /** Waits between polls; tests pass one that does not wait. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Rows per GetQueryResults page (Athena allows at most 1000). @default 1000 */
  readonly pageSize?: number;
}

const DEFAULT_BACKOFF: PollBackoff = { initialMs: 250, factor: 1.5, maxMs: 2000 };

/**
 * Athena as a QueryEngine.
 * @example
 *   const athena = new AthenaQueryEngine({ workGroup: 'tickflow', region: 'eu-west-1' });
 *   const { rows, stats } = await athena.run("SELECT count(*) FROM bars WHERE symbol = 'EUR/USD'");
 *   // stats.scannedBytes, stats.costUsd
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly engine = 'athena';
  private readonly client: AthenaSender;
  private readonly workGroup: string;
  private readonly database: string;
  private readonly backoff: PollBackoff;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly pageSize: number;

  constructor(options: AthenaQueryOptions = {}) {
    this.client = options.client ?? new AthenaClient(options.region ? { region: options.region } : {});
    this.workGroup = options.workGroup ?? 'tickflow';
    this.database = options.database ?? 'tickflow';
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sleep = options.sleep ?? abortableSleep;
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Runs one SQL text; a FAILED query rejects with SqlError carrying Athena's reason and position. */
  async run(sql: string, options: RunOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    const started = performance.now();
    const queryId = await this.start(sql);
    const execution = await this.waitForFinalState(sql, queryId, signal);
    const { columns, rows } = await this.readResults(queryId, execution.StatementType, signal);
    const scannedBytes = execution.Statistics?.DataScannedInBytes ?? 0;
    return {
      columns,
      rows,
      stats: {
        engine: 'athena',
        elapsedMs: performance.now() - started,
        queryId,
        scannedBytes,
        costUsd: athenaQueryCostUsd(scannedBytes),
      },
    };
  }

  async close(): Promise<void> {
    if (this.client instanceof AthenaClient) this.client.destroy();
  }

  private async start(sql: string): Promise<string> {
    try {
      const started = (await this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.workGroup,
          QueryExecutionContext: { Database: this.database },
        }),
      )) as StartQueryExecutionCommandOutput;
      return started.QueryExecutionId!;
    } catch (err) {
      // Athena refuses some SQL before running it (InvalidRequestException), with the same kind of message.
      if (err instanceof Error && err.name === 'InvalidRequestException')
        throw athenaSqlError(err.message, sql);
      throw err;
    }
  }

  private async waitForFinalState(
    sql: string,
    queryId: string,
    signal?: AbortSignal,
  ): Promise<QueryExecution> {
    let delay = this.backoff.initialMs;
    for (;;) {
      if (signal?.aborted) await this.stop(queryId);
      const { QueryExecution: execution } = (await this.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
      )) as GetQueryExecutionCommandOutput;
      const status = execution?.Status;
      switch (status?.State) {
        case 'SUCCEEDED':
          return execution!;
        case 'FAILED': {
          const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'query failed';
          throw athenaSqlError(reason, sql, queryId);
        }
        case 'CANCELLED':
          throw new QueryCancelledError('athena', queryId);
      }
      await this.sleep(delay, signal);
      delay = Math.min(this.backoff.maxMs, delay * this.backoff.factor);
    }
  }

  private async stop(queryId: string): Promise<never> {
    await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    throw new QueryCancelledError('athena', queryId);
  }

  private async readResults(
    queryId: string,
    statementType: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ columns: QueryColumn[]; rows: QueryValue[][] }> {
    let columns: QueryColumn[] = [];
    const rows: QueryValue[][] = [];
    let nextToken: string | undefined;
    let first = true;
    do {
      if (signal?.aborted) throw new QueryCancelledError('athena', queryId);
      const page = (await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          NextToken: nextToken,
          MaxResults: this.pageSize,
        }),
      )) as GetQueryResultsCommandOutput;
      if (first) {
        columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info) => ({
          name: info.Name ?? info.Label ?? '',
          type: info.Type ?? 'varchar',
          kind: athenaKind(info.Type ?? 'varchar'),
        }));
      }
      // A SELECT's first page starts with the header row; DDL and utility statements have none.
      const data = (page.ResultSet?.Rows ?? []).slice(
        first && statementType !== 'DDL' && statementType !== 'UTILITY' ? 1 : 0,
      );
      for (const row of data) {
        rows.push(columns.map((column, i) => athenaValue(column.kind, row.Data?.[i]?.VarCharValue)));
      }
      nextToken = page.NextToken;
      first = false;
    } while (nextToken);
    return { columns, rows };
  }
}

/** setTimeout that an abort ends early (the caller then sees `signal.aborted`). */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
