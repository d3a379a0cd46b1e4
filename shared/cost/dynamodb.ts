/**
 * DynamoDB's billing units, from the request and response payloads (no I/O). The rules are the
 * developer guide's "DynamoDB item sizes and formats" and "read/write capacity units" pages:
 * - an item's size is the sum of its attribute names' UTF-8 bytes and values' sizes;
 * - a write consumes one write unit per started KiB of the item, at least one;
 * - a strongly consistent read one read unit per started 4 KiB, an eventually consistent read half;
 * - Query and Scan round the summed size of the items they return, not each item;
 * - transactional requests cost twice; a conditional write whose condition fails still consumes
 *   the write units of the item (docs.aws.amazon.com/amazondynamodb/latest/developerguide/
 *   read-write-operations.html#write-operation-consumption).
 */

/** A marshalled attribute value (`{ S: 'x' }`, `{ N: '12' }`, `{ M: {...} }`, …). */
export type AttributeValue = object;
export type Item = Readonly<Record<string, AttributeValue>>;

const KIB = 1024;
const utf8 = new TextEncoder();

function utf8Bytes(s: string): number {
  // ASCII fast path: most attribute names and values are ASCII.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the ASCII test
  return /^[\x00-\x7f]*$/.test(s) ? s.length : utf8.encode(s).length;
}

/** Bytes of a number: about one per two significant digits plus one; zeros at either end trimmed. */
export function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '').length;
  return Math.ceil(significant / 2) + 1;
}

/** Size of one attribute value, without its name. */
export function valueSize(v: AttributeValue): number {
  if ('S' in v) return utf8Bytes(v.S as string);
  if ('N' in v) return numberSize(v.N as string);
  if ('B' in v) return (v.B as Uint8Array).length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return (v.SS as string[]).reduce((a, s) => a + utf8Bytes(s), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((a, s) => a + numberSize(s), 0);
  if ('BS' in v) return (v.BS as Uint8Array[]).reduce((a, b) => a + b.length, 0);
  if ('L' in v) return 3 + (v.L as AttributeValue[]).reduce((a, e) => a + 1 + valueSize(e), 0);
  if ('M' in v) {
    const m = v.M as Item;
    return 3 + Object.keys(m).reduce((a, k) => a + 1 + utf8Bytes(k) + valueSize(m[k]!), 0);
  }
  return 0;
}

/** An item's size in bytes: names plus values. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name of Object.keys(item)) size += utf8Bytes(name) + valueSize(item[name]!);
  return size;
}

/** Write units of writing one item of `bytes` (×2 in a transaction). */
export function writeUnits(bytes: number, transactional = false): number {
  return Math.max(1, Math.ceil(bytes / KIB)) * (transactional ? 2 : 1);
}

/** Read units of reading `bytes` in one item, or summed over the items of one Query/Scan page. */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / (4 * KIB)));
  return consistent ? units : units / 2;
}
