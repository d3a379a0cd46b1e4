/**
 * The engine-neutral shape of a query result, so DuckDB and Athena print the same way: every value is
 * a JSON-friendly scalar; timestamps are ISO-8601 UTC strings (`2024-01-02T09:30:00.000Z`), dates
 * `YYYY-MM-DD`, integers numbers (digits as a string beyond 2^53), nested values their JSON text.
 */

/** How a column's values are represented in {@link QueryResult.rows}. */
export type ValueKind = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'date' | 'other';

export type QueryValue = string | number | boolean | null;

export interface QueryColumn {
  readonly name: string;
  /** The engine's own type name (`TIMESTAMP WITH TIME ZONE`, `varchar`, …). */
  readonly type: string;
  readonly kind: ValueKind;
}

/** What running the query cost; Athena fills the scan figures, DuckDB only the timing. */
export interface QueryStats {
  readonly engine: 'duckdb' | 'athena';
  /** Wall-clock time from submission to the last row, in milliseconds. */
  readonly elapsedMs: number;
  readonly queryId?: string;
  readonly scannedBytes?: number;
  /** Estimated charge in US dollars ({@link athenaQueryCostUsd}). */
  readonly costUsd?: number;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly (readonly QueryValue[])[];
  readonly stats: QueryStats;
}

/** Options every engine understands. */
export interface RunOptions {
  /** Aborting stops the query (Athena: StopQueryExecution) and rejects with QueryCancelledError. */
  readonly signal?: AbortSignal;
}

/** One SQL engine over the lake's tables `bars`, `ticks`, `late`, `quarantine`, `features`. */
export interface QueryEngine {
  readonly engine: 'duckdb' | 'athena';
  /** Runs one SQL text; rejects with SqlError when the engine refuses or fails it. */
  run(sql: string, options?: RunOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

/** An integer as a number when it is exact, else its digits (JSON cannot hold a bigint). */
export function integerValue(value: bigint | number | string): number | string {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}

/** Rows as objects keyed by column name (for JSON output and tests). */
export function rowObjects(result: Pick<QueryResult, 'columns' | 'rows'>): Record<string, QueryValue>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null])));
}
