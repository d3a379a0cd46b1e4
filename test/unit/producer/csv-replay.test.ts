import { describe, expect, it } from 'vitest';
import { CsvLineTooLongError, parseCsvLine } from '../../../shared/producer/csv-line.js';
import { CsvHeaderError, CsvTickParser, replayCsv } from '../../../shared/producer/csv-replay.js';
import type { ProducerRecord } from '../../../shared/producer/types.js';

/** Parses a whole text pushed in chunks of `chunkSize` characters, to prove chunk boundaries do not matter. */
function parse(
  text: string,
  chunkSize = text.length || 1,
): { records: ProducerRecord[]; parser: CsvTickParser } {
  const parser = new CsvTickParser();
  const records: ProducerRecord[] = [];
  for (let k = 0; k < text.length; k += chunkSize) records.push(...parser.push(text.slice(k, k + chunkSize)));
  records.push(...parser.end());
  return { records, parser };
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('parseCsvLine (RFC 4180 on one line)', () => {
  it('reads quoted fields with commas and doubled quotes', () => {
    expect(parseCsvLine('1,"EUR/USD","1,5","say ""hi""",')).toEqual({
      ok: true,
      fields: ['1', 'EUR/USD', '1,5', 'say "hi"', ''],
    });
  });

  it('reports broken quoting and keeps the fields read before it', () => {
    expect(parseCsvLine('1,BTC-USDT,"65000,1')).toMatchObject({ ok: false, fields: ['1', 'BTC-USDT'] });
    expect(parseCsvLine('1,"BTC"x,2')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/after the closing quote/),
    });
    expect(parseCsvLine('1,BT"C,2')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/quote inside unquoted/),
    });
  });
});

describe('CsvTickParser', () => {
  const header = 'ts,symbol,price,size,id\n';

  it('turns rows into tick objects keyed by symbol, in file order, numbers where plain and ts as text', () => {
    const { records, parser } = parse(
      header +
        '2024-01-02T00:00:00.123Z,EUR/USD,1.0851,100000,a1\n' +
        '1704153600000,XAU:USD,2350.5,3,\n' +
        '1704153600001,EUR/USD,1.0852,abc,a2\n',
      7,
    );
    expect(records).toEqual([
      {
        partitionKey: 'EUR/USD',
        payload: { ts: '2024-01-02T00:00:00.123Z', symbol: 'EUR/USD', price: 1.0851, size: 100000, id: 'a1' },
      },
      {
        partitionKey: 'XAU:USD',
        payload: { ts: '1704153600000', symbol: 'XAU:USD', price: 2350.5, size: 3 },
      },
      {
        partitionKey: 'EUR/USD',
        payload: { ts: '1704153600001', symbol: 'EUR/USD', price: 1.0852, size: 'abc', id: 'a2' },
      },
    ]);
    expect(parser.counts).toEqual({ rows: 3, malformed: 0, blankLines: 0 });
  });

  it('handles a UTF-8 BOM, CRLF line endings, quoted fields and a last line without a line break', () => {
    const text =
      '\uFEFFts,symbol,price,size,id\r\n"1704153600000","BTC-USDT","65000.5",0.01,"x,1"\r\n1704153600002,SOL-USDT,150,2,7';
    const { records } = parse(text, 5);
    expect(records).toEqual([
      {
        partitionKey: 'BTC-USDT',
        payload: { ts: '1704153600000', symbol: 'BTC-USDT', price: 65000.5, size: 0.01, id: 'x,1' },
      },
      {
        partitionKey: 'SOL-USDT',
        payload: { ts: '1704153600002', symbol: 'SOL-USDT', price: 150, size: 2, id: '7' },
      },
    ]);
  });

  it('forwards malformed rows unchanged as raw text, keyed by their symbol when one can be read', () => {
    const rows = [
      '1704153600000,BTC-USDT,65000,1', // one column short
      '1704153600000,ETH-USDT,3400,1,9,extra', // one too many
      '1704153600000,SOL-USDT,"150,1,1', // unterminated quote
      '1704153600000,,3400,1,9', // no symbol: no partition key
      '"unterminated', // nothing readable
    ];
    const { records, parser } = parse(`${header}${rows.join('\r\n')}\r\n`);
    expect(records).toEqual([
      { partitionKey: 'BTC-USDT', payload: rows[0] },
      { partitionKey: 'ETH-USDT', payload: rows[1] },
      { partitionKey: 'SOL-USDT', payload: rows[2] },
      { partitionKey: '_malformed', payload: rows[3] },
      { partitionKey: '_malformed', payload: rows[4] },
    ]);
    expect(parser.counts).toEqual({ rows: 5, malformed: 5, blankLines: 0 });
  });

  it('maps columns by header name, passes extra columns through and counts blank lines apart', () => {
    const { records, parser } = parse('symbol,ts,size,price,venue\n\nAAPL,1704153600000,100,190.01,XNAS\n\n');
    expect(records).toEqual([
      {
        partitionKey: 'AAPL',
        payload: { symbol: 'AAPL', ts: '1704153600000', size: 100, price: 190.01, venue: 'XNAS' },
      },
    ]);
    expect(parser.counts).toEqual({ rows: 1, malformed: 0, blankLines: 2 });
  });

  it('rejects a file whose header lacks a required column, or that has no header', () => {
    expect(() => parse('time,symbol,price,size\n1,A,1,1\n')).toThrow(CsvHeaderError);
    expect(() => parse('time,symbol,price,size\n')).toThrow(/lacks column\(s\) ts/);
    expect(() => parse('')).toThrow(CsvHeaderError);
  });

  it('refuses a line longer than any tick row instead of buffering it', () => {
    const parser = new CsvTickParser(100);
    expect(() => parser.push(`ts,symbol,price,size\n${'x'.repeat(200)}`)).toThrow(CsvLineTooLongError);
  });
});

describe('replayCsv', () => {
  it('decodes UTF-8 split across byte chunks, strips the BOM and streams records in order', async () => {
    const text = '\uFEFFts,symbol,price,size,id\n1704153600000,ÄÖÜ/€,1.5,2,ü\n1704153600001,ÄÖÜ/€,1.6,2,é\n';
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let k = 0; k < bytes.length; k += 3) yield bytes.slice(k, k + 3);
    }
    const records = await collect(replayCsv(chunks()));
    expect(records.map((r) => r.payload)).toEqual([
      { ts: '1704153600000', symbol: 'ÄÖÜ/€', price: 1.5, size: 2, id: 'ü' },
      { ts: '1704153600001', symbol: 'ÄÖÜ/€', price: 1.6, size: 2, id: 'é' },
    ]);
  });

  it('streams 100,000 rows from many chunks in file order', async () => {
    const parser = new CsvTickParser();
    async function* chunks() {
      yield 'ts,symbol,price,size,id\n';
      for (let k = 0; k < 1_000; k++) {
        let chunk = '';
        for (let j = 0; j < 100; j++)
          chunk += `${1704153600000 + k * 100 + j},BTC-USDT,65000,1,${k * 100 + j}\n`;
        yield chunk;
      }
    }
    let count = 0;
    let outOfOrder = 0;
    for await (const record of replayCsv(chunks(), parser)) {
      if ((record.payload as { id: string }).id !== String(count)) outOfOrder++;
      count++;
    }
    expect(outOfOrder).toBe(0);
    expect(count).toBe(100_000);
    expect(parser.counts.rows).toBe(100_000);
  });
});
