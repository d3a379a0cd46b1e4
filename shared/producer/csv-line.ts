/**
 * RFC 4180 fields of one CSV line: comma-separated, a field may be double-quoted, `""` inside
 * quotes is one quote. A row is one physical line here: no valid tick field contains a line break,
 * and an unterminated quote must cost one row, not swallow the rest of the file.
 */
export type CsvLine =
  | { readonly ok: true; readonly fields: string[] }
  /** `fields` holds what could be read before the quoting broke (to recover a partition key). */
  | { readonly ok: false; readonly reason: string; readonly fields: string[] };

/** Splits one line (without its line ending) into fields. */
export function parseCsvLine(line: string): CsvLine {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return { ok: false, reason: `unterminated quoted field ${fields.length + 1}`, fields };
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return { ok: true, fields };
      if (line[i] !== ',')
        return { ok: false, reason: `text after the closing quote of field ${fields.length}`, fields };
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) {
        return { ok: false, reason: `quote inside unquoted field ${fields.length + 1}`, fields };
      }
      fields.push(value);
      if (comma < 0) return { ok: true, fields };
      i = comma + 1;
    }
  }
}

/**
 * Cuts a stream of text chunks into lines, accepting LF and CRLF endings and dropping a leading
 * UTF-8 byte-order mark. Holds at most one partial line, so files of any size stream through.
 */
export class LineSplitter {
  private rest = '';
  private started = false;
  private lineCount = 0;

  constructor(private readonly maxLineLength = 1_048_576) {}

  /** Lines completed by this chunk. */
  push(chunk: string): string[] {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    if (this.rest.length > this.maxLineLength)
      throw new CsvLineTooLongError(this.lineCount + lines.length + 1, this.maxLineLength);
    for (let k = 0; k < lines.length; k++) lines[k] = stripCr(lines[k]!);
    this.lineCount += lines.length;
    return lines;
  }

  /** The last line when the text does not end with a line break. */
  end(): string[] {
    const last = this.rest;
    this.rest = '';
    return last.length > 0 ? [stripCr(last)] : [];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** A line longer than any tick row could be (no line break for a megabyte): the file is not a tick CSV. */
export class CsvLineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly maxLineLength: number,
  ) {
    super(`CSV line ${lineNumber} is longer than ${maxLineLength} characters without a line break`);
    this.name = 'CsvLineTooLongError';
  }
}
