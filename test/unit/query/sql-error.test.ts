import { describe, expect, it } from 'vitest';
import { athenaSqlError, duckDbSqlError } from '../../../shared/query/sql-error.js';

describe('SQL error messages', () => {
  it("reads the line and column of DuckDB's caret pointer", () => {
    const sql = 'SELECT 1\nFROM bars WHERE nope > 1';
    const message =
      'Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "open"\n\n' +
      'LINE 2: FROM bars WHERE nope > 1\n                        ^';
    const error = duckDbSqlError(message, sql);
    expect(error.position).toEqual({ line: 2, column: 17 });
    expect(error.detail).toBe(
      'Binder Error: Referenced column "nope" not found in FROM clause!; Candidate bindings: "open"',
    );
    expect(error.message).toBe(`duckdb: ${error.detail} (line 2, column 17: FROM bars WHERE ▸nope > 1)`);
  });

  it('maps the caret of a shortened line back to the original column', () => {
    const line = `SELECT ${'x, '.repeat(60)}nope FROM bars`;
    const shown = `...${line.slice(150, 230)}...`;
    const caret = line.indexOf('nope') - 150 + 3;
    const message = `Binder Error: no\n\nLINE 1: ${shown}\n${' '.repeat('LINE 1: '.length + caret)}^`;
    expect(duckDbSqlError(message, line).position).toEqual({ line: 1, column: line.indexOf('nope') + 1 });
  });

  it('keeps a message without a pointer, on one line', () => {
    const error = duckDbSqlError('IO Error: disk\nfull', 'SELECT 1');
    expect(error.position).toBeUndefined();
    expect(error.message).toBe('duckdb: IO Error: disk; full');
  });

  it("reads the position in Athena's StateChangeReason", () => {
    const error = athenaSqlError(
      "SYNTAX_ERROR: line 1:10: mismatched input 'FORM'",
      'SELECT 1 FORM bars',
      'q-9',
    );
    expect(error.position).toEqual({ line: 1, column: 10 });
    expect(error.queryId).toBe('q-9');
    expect(error.message).toMatch(/\(line 1, column 10: SELECT 1 ▸FORM bars\)$/);
  });

  it('shortens a long failing line around the position', () => {
    const sql = `SELECT ${'a'.repeat(200)} FORM bars`;
    const error = athenaSqlError(`line 1:${sql.indexOf('FORM') + 1}: mismatched input`, sql);
    expect(error.message).toMatch(/: …a+ ▸FORM bars\)$/);
    expect(error.message.length).toBeLessThan(160);
  });
});
