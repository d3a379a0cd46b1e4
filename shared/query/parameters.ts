/**
 * Parameters of named queries: `{{name}}` placeholders in the SQL, each replaced by a complete SQL
 * literal built here (never by pasting text), so a value cannot change the query's shape:
 * strings become `'…'` with quotes doubled, lists `'a', 'b'`, integers and dates are checked first.
 */

import { stringLiteral } from './lake-tables.js';

export type ParameterKind = 'string' | 'string-list' | 'integer' | 'date';

export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  readonly kind: ParameterKind;
  /** Used when the caller gives no value; without one the parameter is required. */
  readonly default?: string;
  /** A value that makes the query runnable as is (the text saved in Athena uses it). */
  readonly example: string;
}

const PLACEHOLDER = /\{\{([a-z_][a-z0-9_]*)\}\}/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_INTEGER = 1_000_000_000;

/** Names of the `{{placeholders}}` in a SQL text, each once, in order of appearance. */
export function placeholders(sql: string): string[] {
  return [...new Set(Array.from(sql.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

/**
 * The SQL literal for one value, or a reason why the value does not fit.
 * @example parameterLiteral('string-list', 'EUR/USD, BTCUSDT') // { literal: "'EUR/USD', 'BTCUSDT'" }
 */
export function parameterLiteral(
  kind: ParameterKind,
  value: string,
): { literal: string } | { reason: string } {
  switch (kind) {
    case 'string':
      return value.length > 0 ? { literal: stringLiteral(value) } : { reason: 'must not be empty' };
    case 'string-list': {
      const items = value.split(',').map((item) => item.trim());
      if (items.some((item) => item.length === 0)) return { reason: 'expected a comma-separated list' };
      return { literal: items.map(stringLiteral).join(', ') };
    }
    case 'integer': {
      const n = Number(value);
      return /^\d+$/.test(value) && n >= 1 && n <= MAX_INTEGER
        ? { literal: String(n) }
        : { reason: `expected an integer from 1 to ${MAX_INTEGER}` };
    }
    case 'date':
      return ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
        ? { literal: stringLiteral(value) }
        : { reason: 'expected a date YYYY-MM-DD' };
  }
}
