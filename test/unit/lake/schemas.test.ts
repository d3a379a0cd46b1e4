import { describe, expect, it } from 'vitest';
import { LakeSchemaError } from '../../../shared/lake/errors.js';
import {
  BARS_SCHEMA,
  defineLakeSchema,
  featuresSchema,
  LATE_SCHEMA,
  type LakeSchema,
  QUARANTINE_SCHEMA,
  TICKS_SCHEMA,
} from '../../../shared/lake/schemas.js';

/** `name:type` with `?` for nullable columns: the contract of each file, in order. */
const shape = (schema: LakeSchema) =>
  schema.columns.map((c) => `${c.name}:${c.type}${c.nullable ? '?' : ''}`);

describe('lake schemas', () => {
  it('bars hold the bar columns; vwap alone is nullable', () => {
    expect(shape(BARS_SCHEMA)).toEqual([
      'window_start:timestamp',
      'window_end:timestamp',
      'open:double',
      'high:double',
      'low:double',
      'close:double',
      'volume:double',
      'vwap:double?',
      'trade_count:int64',
    ]);
  });

  it('ticks, late ticks and quarantined records carry their stream origin', () => {
    const origin = ['arrival_time:timestamp', 'shard_id:string', 'sequence_number:string', 'sub_index:int32'];
    expect(shape(TICKS_SCHEMA)).toEqual([
      'ts:timestamp',
      'price:double',
      'size:double',
      'id:string?',
      ...origin,
    ]);
    expect(shape(LATE_SCHEMA)).toEqual([
      'ts:timestamp',
      'price:double',
      'size:double',
      'id:string?',
      'watermark:timestamp',
      ...origin,
    ]);
    expect(shape(QUARANTINE_SCHEMA)).toEqual(['raw:string', 'reason:string', 'field:string?', ...origin]);
  });

  it('features hold the bar columns, filled, then the given features as nullable doubles', () => {
    const schema = featuresSchema(['log_return', 'rsi_14']);
    expect(shape(schema)).toEqual([
      ...shape(BARS_SCHEMA),
      'filled:boolean',
      'log_return:double?',
      'rsi_14:double?',
    ]);
  });

  it('keeps partition columns out of the files and rejects bad or duplicate names', () => {
    expect(() => featuresSchema(['symbol'])).toThrow(LakeSchemaError);
    expect(() => featuresSchema(['close'])).toThrow(/duplicate/);
    expect(() => featuresSchema(['Log Return'])).toThrow(/snake_case/);
    expect(() => defineLakeSchema('empty', [])).toThrow(/at least one column/);
  });
});
