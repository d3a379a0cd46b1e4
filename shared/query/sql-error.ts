/**
 * Engine error messages → one-line {@link SqlError}s with the failing position.
 *
 * DuckDB appends a pointer to its messages:
 *
 *     Binder Error: Referenced column "nope" not found in FROM clause!
 *     Candidate bindings: "a"
 *
 *     LINE 1: select nope from (select 1 a)
 *                    ^
 *
 * and shortens long lines to a window around the caret (`...` on either side). Athena (Trino) puts the
 * position in its StateChangeReason: `COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved`.
 */

import { SqlError, type SqlPosition } from './errors.js';

const DUCKDB_POINTER = /\n\s*LINE (\d+): (.*)\n(\s*)\^\s*$/;
const ATHENA_POSITION = /\bline (\d+):(\d+)\b/;
const ELLIPSIS = '...';

/**
 * Builds the SqlError for a DuckDB error message on `sql`: the message on one line, the caret as a
 * 1-based line and column of the original text (also when DuckDB shortened the line).
 */
export function duckDbSqlError(message: string, sql: string): SqlError {
  const pointer = DUCKDB_POINTER.exec(message);
  const detail = oneLine(pointer ? message.slice(0, pointer.index) : message);
  if (!pointer) return new SqlError('duckdb', detail);
  const line = Number(pointer[1]);
  const shown = pointer[2]!;
  const caretInShown = pointer[3]!.replace(/^\n/, '').length - `LINE ${line}: `.length;
  const original = sql.split('\n')[line - 1];
  const column = originalColumn(shown, caretInShown, original) + 1;
  return new SqlError('duckdb', detail, { line, column }, original ?? shown);
}

/** Builds the SqlError for a FAILED Athena query from its StateChangeReason (or AthenaError message). */
export function athenaSqlError(reason: string, sql: string, queryId?: string): SqlError {
  const detail = oneLine(reason);
  const found = ATHENA_POSITION.exec(detail);
  if (!found) return new SqlError('athena', detail, undefined, undefined, queryId);
  const position: SqlPosition = { line: Number(found[1]), column: Number(found[2]) };
  return new SqlError('athena', detail, position, sql.split('\n')[position.line - 1], queryId);
}

/** Maps the caret in DuckDB's shortened line back to the original line (0-based). */
function originalColumn(shown: string, caret: number, original: string | undefined): number {
  if (original === undefined || !shown.startsWith(ELLIPSIS)) return caret;
  const core = shown.slice(ELLIPSIS.length, shown.endsWith(ELLIPSIS) ? -ELLIPSIS.length : undefined);
  const offset = original.indexOf(core);
  return offset < 0 ? caret : offset + caret - ELLIPSIS.length;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((part) => part.replace(/\s+/g, ' ').trim())
    .filter((part) => part.length > 0)
    .join('; ');
}
