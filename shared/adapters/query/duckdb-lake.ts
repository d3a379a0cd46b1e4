/**
 * The local lake as SQL: an in-memory DuckDB with one view per dataset, named like the Glue tables, over
 * the Parquet files under a lake directory (`.tickflow/local/lake` by default). Partition columns come
 * back as VARCHAR like Athena's string partitions, timestamps as UTC instants (session TimeZone UTC).
 */

import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { QueryCancelledError, QueryError } from '../../query/errors.js';
import { duckDbViewSql, LAKE_TABLES } from '../../query/lake-tables.js';
import type { QueryEngine, QueryResult, RunOptions } from '../../query/result.js';
import { duckDbSqlError } from '../../query/sql-error.js';
import { duckDbKind, duckDbValue } from './duckdb-values.js';

export const DEFAULT_LOCAL_LAKE_DIR = '.tickflow/local/lake';

export interface DuckDbLakeOptions {
  /** Root of the lake (the folder holding `bars/`, `ticks/`, …). @default DEFAULT_LOCAL_LAKE_DIR */
  readonly lakeDir?: string;
  /** DuckDB worker threads. @default 1 (the CLI shares the machine with the pipeline) */
  readonly threads?: number;
}

/** The lake directory does not exist or is not a directory. */
export class LakeDirectoryError extends QueryError {
  override readonly name = 'LakeDirectoryError';
  constructor(readonly lakeDir: string) {
    super(`lake directory ${lakeDir} not found (run \`tickflow local run\` first, or pass --lake DIR)`);
  }
}

/** Which tables read files and which are empty views (their dataset has no files yet). */
export interface LakeViews {
  readonly lakeDir: string;
  readonly withFiles: readonly string[];
  readonly empty: readonly string[];
}

/**
 * DuckDB over a local lake directory.
 * @example
 *   const lake = await DuckDbLake.open({ lakeDir: '.tickflow/local/lake' });
 *   try { const { rows } = await lake.run("SELECT count(*) FROM bars WHERE symbol = 'EUR/USD'"); } finally { await lake.close(); }
 */
export class DuckDbLake implements QueryEngine {
  readonly engine = 'duckdb';

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
    readonly views: LakeViews,
  ) {}

  /** Opens DuckDB and creates the five views; throws LakeDirectoryError when the lake is missing. */
  static async open(options: DuckDbLakeOptions = {}): Promise<DuckDbLake> {
    const lakeDir = resolve(options.lakeDir ?? DEFAULT_LOCAL_LAKE_DIR);
    if (!existsSync(lakeDir) || !statSync(lakeDir).isDirectory()) throw new LakeDirectoryError(lakeDir);
    const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads ?? 1) });
    const connection = await instance.connect();
    const withFiles: string[] = [];
    const empty: string[] = [];
    try {
      await connection.run("SET TimeZone = 'UTC'");
      for (const table of LAKE_TABLES) {
        const folder = join(lakeDir, table.name);
        const hasFiles = containsParquet(folder);
        (hasFiles ? withFiles : empty).push(table.name);
        await connection.run(duckDbViewSql(table, hasFiles ? `${folder}/**/*.parquet` : null));
      }
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw err;
    }
    return new DuckDbLake(instance, connection, { lakeDir, withFiles, empty });
  }

  /** Runs one SQL text (the last statement's rows are returned); engine errors become SqlError. */
  async run(sql: string, options: RunOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    if (signal?.aborted) throw new QueryCancelledError('duckdb');
    const started = performance.now();
    const onAbort = () => this.connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reader = await this.connection.runAndReadAll(sql);
      const types = reader.columnTypes();
      const columns = reader.columnNames().map((name, i) => ({
        name,
        type: types[i]!.toString(),
        kind: duckDbKind(types[i]!.typeId),
      }));
      const rows = reader.getRowsJS().map((row) => row.map((v, i) => duckDbValue(columns[i]!.kind, v)));
      return { columns, rows, stats: { engine: 'duckdb', elapsedMs: performance.now() - started } };
    } catch (err) {
      if (signal?.aborted) throw new QueryCancelledError('duckdb');
      throw duckDbSqlError(err instanceof Error ? err.message : String(err), sql);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Whether a folder holds at least one `.parquet` file at any depth (stops at the first one). */
function containsParquet(folder: string): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((entry) =>
    entry.isDirectory() ? containsParquet(join(folder, entry.name)) : entry.name.endsWith('.parquet'),
  );
}
