import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamedQueryError } from '../../../shared/query/errors.js';
import { NAMED_QUERIES } from '../../../shared/query/named-queries.js';
import { parameterLiteral, placeholders } from '../../../shared/query/parameters.js';
import {
  findNamedQuery,
  parseParams,
  renderNamedQuery,
  savedQueryText,
} from '../../../shared/query/render-named-query.js';

/** Functions or syntax DuckDB has and Athena engine 3 (Trino) lacks, or the other way round. */
const NOT_PORTABLE = [
  /::/,
  /\bepoch_ms\b/i,
  /\bstrftime\b/i,
  /\bGROUP BY ALL\b/i,
  /\bQUALIFY\b/i,
  /\barbitrary\b/i,
  /\bto_unixtime\b/i,
  /\bfrom_unixtime\b/i,
  /\bILIKE\b/i,
  /`/,
];

describe('the named-query catalogue', () => {
  it('has unique kebab-case names and declares every placeholder it uses, and nothing more', () => {
    expect(new Set(NAMED_QUERIES.map((q) => q.name)).size).toBe(NAMED_QUERIES.length);
    for (const query of NAMED_QUERIES) {
      expect(query.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(placeholders(query.sql).sort()).toEqual(query.parameters.map((p) => p.name).sort());
    }
  });

  it.each(NAMED_QUERIES.map((q) => [q.name, q] as const))(
    '%s keeps to SQL that DuckDB and Trino share',
    (_, query) => {
      for (const pattern of NOT_PORTABLE) expect(query.sql).not.toMatch(pattern);
    },
  );

  it.each(NAMED_QUERIES.map((q) => [q.name, q] as const))(
    '%s names its symbols with = or IN when it reads a symbol-partitioned table (Athena injected projection)',
    (_, query) => {
      if (/\bFROM (bars|ticks|late)\b/.test(query.sql)) {
        expect(query.sql).toMatch(/symbol (= \{\{symbol\}\}|IN \(\{\{symbols\}\}\))/);
      }
    },
  );

  it('the saved Athena text has no placeholder left', () => {
    for (const query of NAMED_QUERIES) expect(savedQueryText(query)).not.toMatch(/\{\{/);
  });
});

describe('renderNamedQuery', () => {
  const latest = findNamedQuery('latest-bars');

  it('fills placeholders with literals and defaults', () => {
    const sql = renderNamedQuery(latest, { symbol: 'EUR/USD' });
    expect(sql).toContain(`WHERE symbol = 'EUR/USD' AND "interval" = '1m'`);
    expect(sql).toContain('LIMIT 20');
  });

  it('doubles quotes so a value stays one string literal', () => {
    expect(renderNamedQuery(latest, { symbol: "x' OR '1'='1" })).toContain(`symbol = 'x'' OR ''1''=''1'`);
  });

  it('any value round-trips through its string literal', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        const result = parameterLiteral('string', value);
        expect('literal' in result).toBe(true);
        const literal = (result as { literal: string }).literal;
        expect(literal.slice(1, -1).replaceAll("''", "'")).toBe(value);
        expect(literal.slice(1, -1).replaceAll("''", '')).not.toContain("'");
      }),
    );
  });

  it('turns a list into quoted, comma-separated literals', () => {
    const sql = renderNamedQuery(findNamedQuery('daily-vwap'), { symbols: 'EUR/USD, BTCUSDT' });
    expect(sql).toContain(`symbol IN ('EUR/USD', 'BTCUSDT')`);
  });

  it.each([
    [{}, 'missing --param symbol'],
    [{ symbol: 'A', colour: 'red' }, 'unknown parameter(s) colour'],
    [{ symbol: 'A', limit: '5; DROP TABLE bars' }, 'expected an integer'],
    [{ symbol: '' }, 'must not be empty'],
  ])('refuses %j', (values, message) => {
    expect(() => renderNamedQuery(latest, values)).toThrow(NamedQueryError);
    expect(() => renderNamedQuery(latest, values)).toThrow(message);
  });

  it('checks dates and lists', () => {
    const quality = findNamedQuery('data-quality');
    expect(() => renderNamedQuery(quality, { from: '2024-13-01' })).toThrow('expected a date YYYY-MM-DD');
    expect(() => renderNamedQuery(findNamedQuery('late-report'), { symbols: 'A,,B' })).toThrow(
      'expected a comma-separated list',
    );
  });

  it('parses --param pairs, keeping = inside values', () => {
    expect(parseParams(['symbol=EUR/USD', 'expr=a=b'])).toEqual({ symbol: 'EUR/USD', expr: 'a=b' });
    expect(() => parseParams(['novalue'])).toThrow(NamedQueryError);
  });

  it('names the known queries when one is unknown', () => {
    expect(() => findNamedQuery('nope')).toThrow(
      /known: latest-bars, daily-vwap, top-movers, late-report, data-quality/,
    );
  });
});
