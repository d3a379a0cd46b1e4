/**
 * Hive's escaping of partition values in paths, so `symbol=EUR%2FUSD` means the same to us, to DuckDB
 * (`hive_partitioning=true`), to Hive/Glue and to Spark.
 *
 * The escaped set is Hive's `FileUtils.charToEscape` (apache/hive,
 * common/src/java/org/apache/hadoop/hive/common/FileUtils.java): the control characters U+0000–U+001F,
 * U+007F and `" # % ' * / : = ? \ { [ ] ^`. Each becomes `%` and two upper-case hex digits. Everything
 * else (letters, digits, `. _ - ~`, space, non-ASCII) is kept as is.
 */

const HIVE_ESCAPED = new Set<number>([
  ...Array.from({ length: 0x20 }, (_, code) => code),
  0x7f,
  ...Array.from('"#%\'*/:=?\\{[]^', (ch) => ch.charCodeAt(0)),
]);

/** Name Hive gives to a null or empty partition value. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * Escapes one partition value as Hive's `FileUtils.escapePathName` does.
 * @example escapeHivePathValue('EUR/USD') === 'EUR%2FUSD'; escapeHivePathValue('XAU:USD') === 'XAU%3AUSD'
 */
export function escapeHivePathValue(value: string): string {
  if (value.length === 0) return HIVE_DEFAULT_PARTITION;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    out += HIVE_ESCAPED.has(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : value[i];
  }
  return out;
}

/**
 * Reverses {@link escapeHivePathValue}, as Hive's `FileUtils.unescapePathName` does: every `%XX` with two
 * hex digits becomes that character; a `%` not followed by two hex digits is kept literally.
 * @example unescapeHivePathValue('EUR%2FUSD') === 'EUR/USD'
 */
export function unescapeHivePathValue(escaped: string): string {
  return escaped.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
