import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An in-memory DuckDB with one connection; `threads` is changed between runs with {@link setThreads}. */
export interface DuckDb {
  readonly connection: DuckDBConnection;
  readonly version: string;
  close(): void;
}

/** Opens an in-memory DuckDB (UTC session, no progress bar). */
export async function openDuckDb(threads = 1): Promise<DuckDb> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  await connection.run('SET enable_progress_bar = false');
  const version = String((await readRows(connection, 'SELECT version() AS v'))[0]!.v);
  return {
    connection,
    version,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Sets how many worker threads DuckDB may use for the next queries. */
export async function setThreads(connection: DuckDBConnection, threads: number): Promise<void> {
  await connection.run(`SET threads = ${threads}`);
}

/** Rows of a query as plain JS objects (BIGINT as bigint). */
export async function readRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** Columns of a query as plain JS arrays, keyed by column name. */
export async function readColumns(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown[]>> {
  return (await connection.runAndReadAll(sql)).getColumnsObjectJS() as Record<string, unknown[]>;
}
