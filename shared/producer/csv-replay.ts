import { LineSplitter, parseCsvLine } from './csv-line.js';
import { type PayloadValue, type ProducerRecord, partitionKeyFor } from './types.js';

/** Columns a replay file must name in its header (`id` is optional; extra columns pass through). */
export const REQUIRED_COLUMNS = ['ts', 'symbol', 'price', 'size'] as const;

/** What a replay has read so far. */
export interface ReplayCounts {
  /** Data rows (every non-blank line after the header). */
  rows: number;
  /** Rows forwarded unchanged as raw text because they could not be split into the header's columns. */
  malformed: number;
  /** Blank lines: they carry no data and are not rows. */
  blankLines: number;
}

/**
 * The file's header is missing, lacks a required column or names a column twice (which one would a
 * row mean?): nothing in it can be replayed as ticks, and nothing is published.
 */
export class CsvHeaderError extends Error {
  constructor(
    readonly header: string,
    readonly missing: readonly string[],
    readonly repeated: readonly string[] = [],
  ) {
    super(
      repeated.length > 0
        ? `CSV header "${header}" names column(s) ${repeated.join(', ')} more than once; expected ts,symbol,price,size[,id]`
        : `CSV header "${header}" lacks column(s) ${missing.join(', ')}; expected ts,symbol,price,size[,id]`,
    );
    this.name = 'CsvHeaderError';
  }
}

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Turns a replay CSV (`ts,symbol,price,size,id`) into stream records, in file order, without
 * fixing or dropping anything: a well-formed row becomes `{ ts, symbol, price, size, id }` with the
 * raw texts (`price`/`size` as numbers when plain numbers, `ts` always as text so ISO-8601 stays
 * ISO, an empty `id` omitted); any other row is forwarded as its raw line for the pipeline to
 * quarantine. Push text chunks in; pure, no I/O.
 *
 * @example
 * const parser = new CsvTickParser();
 * const records = [...parser.push('ts,symbol,price,size,id\n'), ...parser.push('1704067200000,EUR/USD,1.09,1000,7\n'), ...parser.end()];
 */
export class CsvTickParser {
  readonly counts: ReplayCounts = { rows: 0, malformed: 0, blankLines: 0 };
  private readonly lines: LineSplitter;
  private columns: string[] | undefined;
  private symbolIndex = -1;

  constructor(maxLineLength?: number) {
    this.lines = new LineSplitter(maxLineLength);
  }

  /** Records completed by this chunk of text. */
  push(chunk: string): ProducerRecord[] {
    return this.toRecords(this.lines.push(chunk));
  }

  /** Records of a last line without a line break; throws {@link CsvHeaderError} if there never was a header. */
  end(): ProducerRecord[] {
    const records = this.toRecords(this.lines.end());
    if (this.columns === undefined) throw new CsvHeaderError('', [...REQUIRED_COLUMNS]);
    return records;
  }

  private toRecords(lines: string[]): ProducerRecord[] {
    const records: ProducerRecord[] = [];
    for (const line of lines) {
      if (line.trim().length === 0) {
        this.counts.blankLines++;
      } else if (this.columns === undefined) {
        this.readHeader(line);
      } else {
        this.counts.rows++;
        records.push(this.toRecord(line, this.columns));
      }
    }
    return records;
  }

  private readHeader(line: string): void {
    const parsed = parseCsvLine(line);
    const columns = parsed.fields.map((name) => name.trim().toLowerCase());
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
    if (!parsed.ok || missing.length > 0)
      throw new CsvHeaderError(line, parsed.ok ? missing : [...REQUIRED_COLUMNS]);
    const repeated = columns.filter((c, k) => columns.indexOf(c) !== k);
    if (repeated.length > 0) throw new CsvHeaderError(line, [], [...new Set(repeated)]);
    this.columns = columns;
    this.symbolIndex = columns.indexOf('symbol');
  }

  private toRecord(line: string, columns: string[]): ProducerRecord {
    const parsed = parseCsvLine(line);
    const symbol = parsed.fields[this.symbolIndex];
    if (!parsed.ok || parsed.fields.length !== columns.length || !symbol) {
      this.counts.malformed++;
      return { partitionKey: partitionKeyFor(symbol || undefined), payload: line };
    }
    const payload: Record<string, PayloadValue> = {};
    columns.forEach((column, k) => {
      const text = parsed.fields[k]!;
      if (column === 'id' && text === '') return;
      payload[column] = column === 'price' || column === 'size' ? numberIfPlain(text) : text;
    });
    return { partitionKey: partitionKeyFor(symbol), payload };
  }
}

function numberIfPlain(text: string): PayloadValue {
  if (!PLAIN_NUMBER.test(text)) return text;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * Streams a replay file's records from its chunks (e.g. `fs.createReadStream(path)`), decoding
 * UTF-8 across chunk boundaries; memory stays at one chunk plus one line whatever the file size.
 * `counts` is filled as rows are read.
 */
export async function* replayCsv(
  chunks: AsyncIterable<string | Uint8Array>,
  parser: CsvTickParser = new CsvTickParser(),
): AsyncGenerator<ProducerRecord> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const chunk of chunks) {
    yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
