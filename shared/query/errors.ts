/** Errors of `tickflow query`. Pure data: each carries what a reader needs to act. */

import { sqlErrorLine } from './sql-excerpt.js';

/** Where in the SQL text an engine says the error is (1-based). */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

/** Base class of every query error, so the CLI can catch the family at once. */
export class QueryError extends Error {
  override readonly name: string = 'QueryError';
}

/**
 * The engine rejected or failed the SQL text: its message, and the position when it gave one. The
 * message is one line, e.g. `duckdb: Parser Error: syntax error at or near "x" (line 1, column 15: SELECT 1 FORM ▸x)`.
 */
export class SqlError extends QueryError {
  override readonly name = 'SqlError';
  constructor(
    readonly engine: 'duckdb' | 'athena',
    /** The engine's message on one line, without its position pointer. */
    readonly detail: string,
    readonly position?: SqlPosition,
    /** The line of SQL the position points into, when known. */
    readonly sqlLine?: string,
    /** Athena's query execution id, when the query was started. */
    readonly queryId?: string,
  ) {
    super(sqlErrorLine(engine, detail, position, sqlLine));
  }
}

/** A named query that does not exist, or a parameter that is missing, unknown or malformed. */
export class NamedQueryError extends QueryError {
  override readonly name = 'NamedQueryError';
  constructor(
    /** The named query concerned. */
    readonly query: string,
    readonly reason: string,
  ) {
    super(`named query '${query}': ${reason}`);
  }
}

/** The query was stopped before it finished (Ctrl-C); Athena was told to stop it too. */
export class QueryCancelledError extends QueryError {
  override readonly name = 'QueryCancelledError';
  constructor(
    readonly engine: 'duckdb' | 'athena',
    readonly queryId?: string,
  ) {
    super(`${engine} query${queryId ? ` ${queryId}` : ''} cancelled`);
  }
}
