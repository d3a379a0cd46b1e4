import { createHash } from 'node:crypto';

/**
 * De-aggregation of KPL aggregated records (the Kinesis Producer Library's format): the magic bytes
 * F3 89 9A C2, a protobuf `AggregatedRecord`, and the MD5 of that protobuf. Producers use it to pack
 * many user records into one Kinesis record and go past a shard's 1,000 records/s.
 * Format: https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md
 */

const MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const MD5_LENGTH = 16;

export interface KplUserRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/** True when the bytes start with the KPL magic and are long enough to hold a digest. */
export function isKplAggregate(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length + MD5_LENGTH) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Thrown when a record carries the KPL magic but its body is corrupt. */
export class KplFormatError extends Error {
  constructor(readonly reason: string) {
    super(`KPL aggregated record: ${reason}`);
    this.name = 'KplFormatError';
  }
}

/** Splits a KPL aggregated record into its user records, checking the MD5 trailer. */
export function deaggregate(bytes: Uint8Array): KplUserRecord[] {
  const body = bytes.subarray(MAGIC.length, bytes.length - MD5_LENGTH);
  const digest = bytes.subarray(bytes.length - MD5_LENGTH);
  const expected = createHash('md5').update(body).digest();
  if (!expected.equals(digest)) throw new KplFormatError('MD5 digest does not match the body');

  const keys: string[] = [];
  const entries: { keyIndex: number; data: Uint8Array }[] = [];
  const reader = new ProtoReader(body);
  while (!reader.done()) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 2) keys.push(new TextDecoder().decode(reader.bytes()));
    else if (field === 3 && wire === 2) entries.push(readRecord(new ProtoReader(reader.bytes())));
    else reader.skip(wire);
  }
  return entries.map((e) => {
    const partitionKey = keys[e.keyIndex];
    if (partitionKey === undefined)
      throw new KplFormatError(`partition key index ${e.keyIndex} out of range`);
    return { partitionKey, data: e.data };
  });
}

function readRecord(reader: ProtoReader): { keyIndex: number; data: Uint8Array } {
  let keyIndex = -1;
  let data: Uint8Array | undefined;
  while (!reader.done()) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 0) keyIndex = reader.varint();
    else if (field === 3 && wire === 2) data = reader.bytes();
    else reader.skip(wire);
  }
  if (keyIndex < 0 || data === undefined)
    throw new KplFormatError('user record lacks partition_key_index or data');
  return { keyIndex, data };
}

/** The few protobuf wire-format reads the aggregation format needs. */
class ProtoReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  tag(): [field: number, wire: number] {
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new KplFormatError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new KplFormatError('varint too long');
    }
  }

  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new KplFormatError('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else throw new KplFormatError(`unsupported wire type ${wire}`);
  }
}

/** Builds a KPL aggregated record (used by tests and by producers that want the format). */
export function aggregate(records: readonly KplUserRecord[]): Uint8Array {
  const keys = [...new Set(records.map((r) => r.partitionKey))];
  const parts: number[] = [];
  const enc = new TextEncoder();
  for (const k of keys) writeBytes(parts, 1, enc.encode(k));
  for (const r of records) {
    const inner: number[] = [];
    writeVarint(inner, (1 << 3) | 0);
    writeVarint(inner, keys.indexOf(r.partitionKey));
    writeBytes(inner, 3, r.data);
    writeBytes(parts, 3, Uint8Array.from(inner));
  }
  const body = Uint8Array.from(parts);
  const digest = createHash('md5').update(body).digest();
  const out = new Uint8Array(MAGIC.length + body.length + MD5_LENGTH);
  out.set(MAGIC, 0);
  out.set(body, MAGIC.length);
  out.set(digest, MAGIC.length + body.length);
  return out;
}

function writeVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

function writeBytes(out: number[], field: number, bytes: Uint8Array): void {
  writeVarint(out, (field << 3) | 2);
  writeVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}
