/**
 * What a replay CSV accepts (README, "CLI"): RFC 4180 fields on one physical line (quoted fields,
 * doubled quotes), LF or CRLF endings, a UTF-8 BOM, blank lines (skipped, counted apart), extra
 * columns (passed through, ignored by the validator), columns in any order. Rows go through the
 * same validation as JSON records, so an absurd row is quarantined with the same reason.
 */
import { describe, expect, it } from 'vitest';
import { decodeRecordPayload, type TickValidation } from '../../../shared/domain/tick.js';
import { CsvHeaderError, CsvTickParser } from '../../../shared/producer/csv-replay.js';
import type { ProducerRecord } from '../../../shared/producer/types.js';

/** Each row as the pipeline sees it: the record's text (as the publisher sends it), validated. */
function validations(text: string): TickValidation[] {
  const parser = new CsvTickParser();
  const records: ProducerRecord[] = [...parser.push(text), ...parser.end()];
  return records.flatMap((r) => {
    const decoded = decodeRecordPayload(
      typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload),
    );
    return decoded.kind === 'ticks' ? decoded.ticks : [];
  });
}

const reasons = (vs: TickValidation[]) => vs.map((v) => (v.ok ? 'ok' : v.reason));

describe('replay CSV rows face the same rules as JSON records', () => {
  it('reads a BOM, CRLF, blank lines, quoted fields and extra columns, in any column order', () => {
    const text =
      '\uFEFFvenue,"price",ts,symbol,size,id\r\n' +
      '\r\n' +
      'XNAS,"190.01",1704153600000,AAPL,100,"a,1"\r\n' +
      '   \r\n' +
      '"X""Y",190.02,2024-01-02T00:00:01Z,"AAPL",0,\r\n';
    const vs = validations(text);
    expect(vs).toEqual([
      { ok: true, tick: { symbol: 'AAPL', ts: 1_704_153_600_000, price: 190.01, size: 100, id: 'a,1' } },
      { ok: true, tick: { symbol: 'AAPL', ts: 1_704_153_601_000, price: 190.02, size: 0 } },
    ]);
  });

  it('quarantines absurd rows with the reason a JSON record would get', () => {
    const text = [
      'ts,symbol,price,size,id',
      '1795176499980000,EURUSD,1.08,5,a', // microseconds
      '1795176499980000000,EURUSD,1.08,5,b', // nanoseconds
      '1795176499,EURUSD,1.08,5,c', // seconds
      '1795176499980,EURUSD,1e308,5,d',
      '1795176499980,EURUSD,NaN,5,e',
      '1795176499980,EURUSD,0x10,5,f',
      '1795176499980,EURUSD,1.08,Infinity,g',
      '1795176499980,EURUSD,1.08,1e13,h',
      `1795176499980,EURUSD,1.08,5,${'x'.repeat(129)}`,
      '2150-01-01T00:00:00Z,EURUSD,1.08,5,i',
      '1795176499980,EURUSD,1.08,5,"unterminated',
      '1795176499980,EURUSD,1.08,5,j',
    ].join('\n');
    expect(reasons(validations(text))).toEqual([
      'ts 1795176499980000 looks like microseconds since the epoch: send milliseconds',
      'ts 1795176499980000000 looks like nanoseconds since the epoch: send milliseconds',
      'ts 1795176499 looks like seconds since the epoch: send milliseconds',
      'price must be at most 1e12 (got 1e+308)',
      'price must be a finite number > 0 (got "NaN")',
      'price must be a finite number > 0 (got "0x10")',
      'size must be a finite number ≥ 0 (got "Infinity")',
      'size must be at most 1e12 (got 10000000000000)',
      expect.stringContaining('id must be a non-empty string of at most 128 characters'),
      'ts 2150-01-01T00:00:00Z is outside the accepted event times [2000-01-01, 2100-01-01)',
      'payload is not JSON', // a broken row is forwarded as its raw line
      'ok',
    ]);
  });

  it('refuses a header that names a column twice, before any row is published', () => {
    expect(() => validations('ts,symbol,price,size,price\n1,A,1,1,2\n')).toThrow(CsvHeaderError);
    expect(() => validations('ts,symbol,Price,size,price\n')).toThrow(
      /names column\(s\) price more than once/,
    );
  });
});
