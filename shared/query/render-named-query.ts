/** Turning a named query and `k=v` parameters into the SQL text an engine runs. */

import { NamedQueryError } from './errors.js';
import { NAMED_QUERIES, type NamedQuery } from './named-queries.js';
import { parameterLiteral, placeholders } from './parameters.js';

/** The named query called `name`; throws NamedQueryError listing the known names otherwise. */
export function findNamedQuery(name: string, catalogue: readonly NamedQuery[] = NAMED_QUERIES): NamedQuery {
  const query = catalogue.find((q) => q.name === name);
  if (!query) {
    throw new NamedQueryError(name, `unknown; known: ${catalogue.map((q) => q.name).join(', ')}`);
  }
  return query;
}

/**
 * The runnable SQL of a named query: each `{{name}}` replaced by the SQL literal of the given value
 * (or the parameter's default). Throws NamedQueryError for an unknown, missing or malformed parameter.
 * @example renderNamedQuery(findNamedQuery('latest-bars'), { symbol: "O'Hare" }) // … WHERE symbol = 'O''Hare' …
 */
export function renderNamedQuery(query: NamedQuery, values: Readonly<Record<string, string>>): string {
  const declared = new Map(query.parameters.map((p) => [p.name, p]));
  const unknown = Object.keys(values).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new NamedQueryError(
      query.name,
      `unknown parameter(s) ${unknown.join(', ')}; it takes ${[...declared.keys()].join(', ') || 'none'}`,
    );
  }
  const literals = new Map<string, string>();
  for (const parameter of query.parameters) {
    const value = values[parameter.name] ?? parameter.default;
    if (value === undefined) {
      throw new NamedQueryError(
        query.name,
        `missing --param ${parameter.name}=… (${parameter.description}, e.g. ${parameter.example})`,
      );
    }
    const literal = parameterLiteral(parameter.kind, value);
    if ('reason' in literal) {
      throw new NamedQueryError(query.name, `--param ${parameter.name}=${value}: ${literal.reason}`);
    }
    literals.set(parameter.name, literal.literal);
  }
  const undeclared = placeholders(query.sql).filter((name) => !literals.has(name));
  if (undeclared.length > 0) {
    throw new NamedQueryError(query.name, `placeholder(s) ${undeclared.join(', ')} have no parameter`);
  }
  return query.sql.replace(/\{\{([a-z_][a-z0-9_]*)\}\}/g, (_, name: string) => literals.get(name)!);
}

/**
 * The text to save as an Athena named query: the SQL with every parameter at its example value, so it
 * runs as saved and shows where to edit.
 */
export function savedQueryText(query: NamedQuery): string {
  return renderNamedQuery(query, Object.fromEntries(query.parameters.map((p) => [p.name, p.example])));
}

/**
 * Parses repeated `--param k=v` flags into a map; a value may itself contain `=`.
 * @example parseParams(['symbol=EUR/USD', 'limit=5']) // { symbol: 'EUR/USD', limit: '5' }
 */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new NamedQueryError('*', `--param expects name=value, got "${pair}"`);
    values[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return values;
}
