/** The one-line text of a SQL error: message, position, and the failing line with a marker. */

/**
 * `<engine>: <detail> (line L, column C: <failing line with ▸ before the character pointed at>)`.
 * @example sqlErrorLine('duckdb', 'Parser Error: syntax error at or near "x"', { line: 1, column: 15 }, 'SELECT 1 FORM x')
 *   // 'duckdb: Parser Error: syntax error at or near "x" (line 1, column 15: SELECT 1 FORM ▸x)'
 */
export function sqlErrorLine(
  engine: string,
  detail: string,
  position?: { readonly line: number; readonly column: number },
  sqlLine?: string,
): string {
  if (!position) return `${engine}: ${detail}`;
  const where = `line ${position.line}, column ${position.column}`;
  if (sqlLine === undefined) return `${engine}: ${detail} (${where})`;
  return `${engine}: ${detail} (${where}: ${excerpt(sqlLine, position.column - 1)})`;
}

/** The line around a 0-based index, at most ~80 characters, with `▸` at the index. */
function excerpt(line: string, index: number, radius = 40): string {
  const at = Math.min(Math.max(0, index), line.length);
  const start = Math.max(0, at - radius);
  const end = Math.min(line.length, at + radius);
  const before = (start > 0 ? '…' : '') + line.slice(start, at).trimStart();
  const after = line.slice(at, end).trimEnd() + (end < line.length ? '…' : '');
  return `${before}▸${after}`;
}
