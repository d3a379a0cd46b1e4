/** Printing a QueryResult as an aligned table, CSV (RFC 4180) or a JSON array of row objects. */

import { type QueryResult, type QueryValue, rowObjects } from './result.js';

export type OutputFormat = 'table' | 'csv' | 'json';

/**
 * The result in one output format, ending in a newline. Nulls print as an empty cell (table `NULL`);
 * JSON keeps numbers as numbers and non-finite doubles as the strings `NaN`, `Infinity`.
 */
export function renderResult(result: Pick<QueryResult, 'columns' | 'rows'>, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rowObjects(result), jsonSafe, 2)}\n`;
    case 'csv':
      return [result.columns.map((c) => c.name), ...result.rows.map((r) => r.map((v) => csvCell(v)))]
        .map((cells) => `${cells.map(csvQuote).join(',')}\n`)
        .join('');
    case 'table':
      return table(result);
  }
}

function table(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const header = result.columns.map((c) => c.name);
  const body = result.rows.map((row) => row.map((v) => (v === null ? 'NULL' : oneLine(String(v)))));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = result.columns.map((c) => c.kind === 'integer' || c.kind === 'number');
  const line = (cells: string[]) =>
    `${cells
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}\n`;
  const rule = `${widths.map((w) => '-'.repeat(w)).join('  ')}\n`;
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
  return line(header) + rule + body.map(line).join('') + count;
}

function csvCell(value: QueryValue): string {
  return value === null ? '' : String(value);
}

function csvQuote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
