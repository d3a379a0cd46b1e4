import { describe, expect, it } from 'vitest';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import { InvalidAggregatorConfigError } from '../../../shared/domain/errors.js';
import { decodeRecordPayload, MAX_TICKS_PER_PAYLOAD, validateTick } from '../../../shared/domain/tick.js';
import { futureSkewReason } from '../../../shared/domain/tick-bounds.js';
import { watermarkMarkPayload } from '../../../shared/domain/watermark-mark.js';

const TS = 1_795_176_499_980; // 2026-11-20T12:08:19.980Z
const good = { symbol: 'EURUSD', ts: TS, price: 1.0875, size: 5 };

function rejection(value: unknown, range?: { fromMs: number; toMs: number }) {
  const result = validateTick(value, range);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.tick)}`);
  return { field: result.field, reason: result.reason };
}

describe('plausible event times', () => {
  it.each([
    [TS * 1000, 'ts 1795176499980000 looks like microseconds since the epoch: send milliseconds'],
    [String(TS * 1000), 'ts 1795176499980000 looks like microseconds since the epoch: send milliseconds'],
    [Math.floor(TS / 1000), 'ts 1795176499 looks like seconds since the epoch: send milliseconds'],
    [
      '1795176499980000000',
      'ts 1795176499980000000 looks like nanoseconds since the epoch: send milliseconds',
    ],
    [TS * 1e6, 'ts 1795176499980000000 looks like nanoseconds since the epoch: send milliseconds'],
  ])('names the likely unit of %j', (ts, reason) => {
    expect(rejection({ ...good, ts })).toEqual({ field: 'ts', reason });
  });

  it.each([
    [0, 'ts 0 is outside the accepted event times [2000-01-01, 2100-01-01)'],
    [-1, 'ts -1 is outside the accepted event times [2000-01-01, 2100-01-01)'],
    [1e300, 'ts 1e+300 is outside the accepted event times [2000-01-01, 2100-01-01)'],
    [
      '2150-01-01T00:00:00Z',
      'ts 2150-01-01T00:00:00Z is outside the accepted event times [2000-01-01, 2100-01-01)',
    ],
    ['1999-12-31T23:59:59.999Z', expect.stringContaining('is outside the accepted event times')],
  ])('refuses %j outside [2000-01-01, 2100-01-01)', (ts, reason) => {
    expect(rejection({ ...good, ts })).toEqual({ field: 'ts', reason });
  });

  it('accepts both ends of the range as a half-open interval', () => {
    expect(validateTick({ ...good, ts: Date.UTC(2000, 0, 1) }).ok).toBe(true);
    expect(validateTick({ ...good, ts: Date.UTC(2100, 0, 1) - 1 }).ok).toBe(true);
    expect(validateTick({ ...good, ts: Date.UTC(2100, 0, 1) }).ok).toBe(false);
  });

  it('takes a configured range, for the validator and the aggregator config', () => {
    const range = { fromMs: Date.UTC(1990, 0, 1), toMs: Date.UTC(2030, 0, 1) };
    expect(validateTick({ ...good, ts: Date.UTC(1995, 0, 1) }, range).ok).toBe(true);
    expect(rejection({ ...good, ts: Date.UTC(2031, 0, 1) }, range).reason).toContain(
      '[1990-01-01, 2030-01-01)',
    );
    expect(aggregatorConfig({ eventTimeRange: range }).eventTimeRange).toEqual(range);
    expect(() => aggregatorConfig({ eventTimeRange: { fromMs: 5, toMs: 5 } })).toThrow(
      InvalidAggregatorConfigError,
    );
  });
});

describe('plausible prices, sizes and ids', () => {
  it.each([
    [{ ...good, price: 1e308 }, 'price', 'price must be at most 1e12 (got 1e+308)'],
    [{ ...good, price: '1000000000001' }, 'price', 'price must be at most 1e12 (got "1000000000001")'],
    [{ ...good, price: 'NaN' }, 'price', 'price must be a finite number > 0 (got "NaN")'],
    [{ ...good, price: 'Infinity' }, 'price', 'price must be a finite number > 0 (got "Infinity")'],
    [{ ...good, size: 1e13 }, 'size', 'size must be at most 1e12 (got 10000000000000)'],
    [{ ...good, size: '-Infinity' }, 'size', 'size must be a finite number ≥ 0 (got "-Infinity")'],
    [{ ...good, id: 'x'.repeat(129) }, 'id', expect.stringContaining('at most 128 characters')],
  ])('refuses %j', (value, field, reason) => {
    expect(rejection(value)).toEqual({ field, reason });
  });

  it('accepts the bounds themselves, and reads a size of -0 as 0 (JSON cannot carry -0)', () => {
    const at = validateTick({ ...good, price: 1e12, size: 1e12, id: 'x'.repeat(128) });
    expect(at.ok).toBe(true);
    const zero = validateTick({ ...good, size: -0 });
    expect(zero.ok && Object.is(zero.tick.size, 0)).toBe(true);
  });
});

describe('hostile payloads', () => {
  it('quarantines a packed payload of more than 10,000 values as one candidate', () => {
    const decoded = decodeRecordPayload(JSON.stringify(Array(MAX_TICKS_PER_PAYLOAD + 1).fill(0)));
    expect(decoded).toEqual({
      kind: 'ticks',
      ticks: [{ ok: false, reason: 'payload packs 10001 values; at most 10000 ticks per record' }],
    });
  });

  it('refuses a watermark mark outside the accepted event times, naming the unit', () => {
    const decoded = decodeRecordPayload(watermarkMarkPayload({ symbol: 'EURUSD', watermark: TS * 1000 }));
    expect(decoded).toEqual({
      kind: 'ticks',
      ticks: [
        {
          ok: false,
          reason:
            'watermark record: watermark 1795176499980000 looks like microseconds since the epoch: send milliseconds',
        },
      ],
    });
  });

  it('reads no prototype from a __proto__ key and takes the last of duplicate keys, as JSON.parse does', () => {
    const proto = decodeRecordPayload(`{"__proto__":${JSON.stringify(good)}}`);
    expect(proto.kind === 'ticks' && proto.ticks[0]!.ok).toBe(false);
    const duplicate = decodeRecordPayload(
      `{"symbol":"EURUSD","ts":${TS},"price":-1,"price":2,"size":1,"__proto__":{"price":-5}}`,
    );
    expect(duplicate.kind === 'ticks' && duplicate.ticks[0]).toEqual({
      ok: true,
      tick: { symbol: 'EURUSD', ts: TS, price: 2, size: 1 },
    });
  });
});

describe('the live clock check', () => {
  it('passes ticks up to the allowed skew ahead of arrival and names the rest', () => {
    expect(futureSkewReason(TS + 300_000, TS, 300_000)).toBeNull();
    expect(futureSkewReason(TS - 86_400_000, TS, 300_000)).toBeNull();
    expect(futureSkewReason(TS + 3_600_000, TS, 300_000)).toBe(
      "ts 2026-11-20T13:08:19.980Z is 1 h ahead of the record's arrival at 2026-11-20T12:08:19.980Z " +
        "(at most 5 min allowed): check the producer's clock",
    );
  });
});
