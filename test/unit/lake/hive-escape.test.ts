import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeHivePathValue,
  HIVE_DEFAULT_PARTITION,
  unescapeHivePathValue,
} from '../../../shared/lake/hive-escape.js';

// Expected set from Hive's FileUtils.charToEscape (apache/hive, common/.../hive/common/FileUtils.java).
const HIVE_ESCAPED_PRINTABLE = '"#%\'*/:=?\\{[]^';

describe('Hive partition value escaping', () => {
  it('escapes the separators of the docs/lake.md examples as upper-case %XX', () => {
    expect(escapeHivePathValue('EUR/USD')).toBe('EUR%2FUSD');
    expect(escapeHivePathValue('XAU:USD')).toBe('XAU%3AUSD');
    expect(escapeHivePathValue('a=b%c')).toBe('a%3Db%25c');
  });

  it('escapes exactly the characters Hive escapes among printable ASCII', () => {
    for (let code = 0x20; code < 0x7f; code++) {
      const ch = String.fromCharCode(code);
      const expected = HIVE_ESCAPED_PRINTABLE.includes(ch) ? `%${code.toString(16).toUpperCase()}` : ch;
      expect(escapeHivePathValue(ch), `char ${JSON.stringify(ch)}`).toBe(expected);
    }
  });

  it('escapes control characters and DEL, keeps non-ASCII as is', () => {
    expect(escapeHivePathValue('a\nb\u0001\u007f')).toBe('a%0Ab%01%7F');
    expect(escapeHivePathValue('BTC-€.x_~ y')).toBe('BTC-€.x_~ y');
  });

  it('names an empty value as Hive does', () => {
    expect(escapeHivePathValue('')).toBe(HIVE_DEFAULT_PARTITION);
  });

  it('decodes %XX, and keeps a % that is not followed by two hex digits', () => {
    expect(unescapeHivePathValue('EUR%2FUSD')).toBe('EUR/USD');
    expect(unescapeHivePathValue('XAU%3aUSD')).toBe('XAU:USD');
    expect(unescapeHivePathValue('50%')).toBe('50%');
    expect(unescapeHivePathValue('%zz')).toBe('%zz');
  });

  it('round-trips any non-empty value, and the escaped form never holds a path or key separator', () => {
    fc.assert(
      fc.property(
        fc.string({
          minLength: 1,
          unit: fc.oneof(
            fc.constantFrom(...'%2Fa/:=\n\u007f€ '),
            fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
          ),
        }),
        (value) => {
          const escaped = escapeHivePathValue(value);
          return !/[/=:]/.test(escaped) && unescapeHivePathValue(escaped) === value;
        },
      ),
    );
  });
});
