import { describe, expect, it } from 'vitest';
import { decodeRecordPayload, type TickValidation, validateTick } from '../../../shared/domain/tick.js';
import { watermarkMarkPayload } from '../../../shared/domain/watermark-mark.js';

const good = { symbol: 'BTC-USD', ts: 1_700_000_000_000, price: 100.5, size: 2 };

function reasonOf(value: unknown): { reason: string; field?: string } {
  const result = validateTick(value);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.tick)}`);
  return { reason: result.reason, field: result.field };
}

describe('validateTick', () => {
  it('accepts a well-formed tick and keeps no id when none is given', () => {
    expect(validateTick(good)).toEqual({ ok: true, tick: good });
  });

  it('reads numeric strings for price and size, as exchanges send them', () => {
    const result = validateTick({ ...good, price: '123.45', size: '0.5' });
    expect(result).toEqual({ ok: true, tick: { ...good, price: 123.45, size: 0.5 } });
  });

  it('reads ts as an integer string, an ISO-8601 date-time with a zone, or a zone-less one as UTC', () => {
    const at = (ts: unknown) => {
      const result = validateTick({ ...good, ts });
      return result.ok ? result.tick.ts : result.reason;
    };
    expect(at('1700000000000')).toBe(1_700_000_000_000);
    expect(at('2024-03-01T12:00:00.250Z')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 250));
    expect(at('2024-03-01T13:00:00+01:00')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(at('2024-03-01T06:30:00-0530')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(at('2024-03-01 12:00:00')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(at('2024-03-01T12:00:00.123456Z')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123));
  });

  it('turns a number id into a string and treats a null id as no id', () => {
    expect(validateTick({ ...good, id: 42 })).toEqual({ ok: true, tick: { ...good, id: '42' } });
    expect(validateTick({ ...good, id: null })).toEqual({ ok: true, tick: good });
  });

  it.each([
    [{ ...good, price: '-3' }, 'price', 'price must be a finite number > 0 (got "-3")'],
    [{ ...good, price: 0 }, 'price', 'price must be a finite number > 0 (got 0)'],
    [{ ...good, price: '1e999' }, 'price', 'price must be a finite number > 0 (got "1e999")'],
    [{ ...good, price: '0x10' }, 'price', 'price must be a finite number > 0 (got "0x10")'],
    [{ ...good, price: '' }, 'price', 'price must be a finite number > 0 (got "")'],
    [{ ...good, size: -1 }, 'size', 'size must be a finite number ≥ 0 (got -1)'],
    [{ ...good, size: true }, 'size', 'size must be a finite number ≥ 0 (got true)'],
    [{ ...good, symbol: undefined }, 'symbol', 'symbol is required'],
    [
      { ...good, symbol: 'BTC USD' },
      'symbol',
      'symbol must be 1–32 characters of A-Z a-z 0-9 . _ : / - (got "BTC USD")',
    ],
    [{ ...good, symbol: '' }, 'symbol', 'symbol must be 1–32 characters of A-Z a-z 0-9 . _ : / - (got "")'],
    [
      { ...good, symbol: 'X'.repeat(33) },
      'symbol',
      expect.stringContaining('symbol must be 1–32 characters'),
    ],
    [{ ...good, ts: 1.5 }, 'ts', 'ts must be integer epoch milliseconds or an ISO-8601 date-time (got 1.5)'],
    [{ ...good, ts: '2024-02-30T00:00:00Z' }, 'ts', expect.stringContaining('(got "2024-02-30T00:00:00Z")')],
    [{ ...good, ts: '2024-03-01' }, 'ts', expect.stringContaining('ts must be integer epoch milliseconds')],
    [{ ...good, ts: null }, 'ts', 'ts is required'],
    [{ ...good, id: '' }, 'id', expect.stringContaining('id must be a non-empty string')],
    [{ ...good, id: { a: 1 } }, 'id', expect.stringContaining('(got an object)')],
  ])('rejects %j naming the field and what was wrong', (value, field, reason) => {
    expect(reasonOf(value)).toEqual({ field, reason });
  });

  it('rejects what is not an object without naming a field', () => {
    expect(reasonOf([good])).toEqual({
      reason: 'tick must be a JSON object (got an array)',
      field: undefined,
    });
    expect(reasonOf('tick')).toEqual({ reason: 'tick must be a JSON object (got "tick")', field: undefined });
  });

  it('accepts symbols using every allowed punctuation character', () => {
    expect(validateTick({ ...good, symbol: 'EUR/USD' }).ok).toBe(true);
    expect(validateTick({ ...good, symbol: 'XAU:USD.spot_1-a' }).ok).toBe(true);
  });
});

/** The candidate ticks of a payload that is not a watermark mark. */
function ticksOf(text: string): TickValidation[] {
  const decoded = decodeRecordPayload(text);
  if (decoded.kind !== 'ticks') throw new Error(`expected ticks, got a ${decoded.kind}`);
  return decoded.ticks;
}

describe('decodeRecordPayload', () => {
  it('decodes one JSON object into one result', () => {
    expect(ticksOf(JSON.stringify(good))).toEqual([{ ok: true, tick: good }]);
  });

  it('validates each element of a JSON array on its own', () => {
    const results = ticksOf(JSON.stringify([good, { ...good, price: -1 }, 7]));
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(results[2]).toEqual({ ok: false, reason: 'tick must be a JSON object (got 7)' });
  });

  it('turns text that is not JSON into a single failure', () => {
    expect(ticksOf('{"symbol": "BTC')).toEqual([{ ok: false, reason: 'payload is not JSON' }]);
  });

  it('quarantines an empty array instead of dropping the record silently', () => {
    expect(ticksOf('[]')).toEqual([{ ok: false, reason: 'payload is an empty JSON array' }]);
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect(ticksOf(`\uFEFF${JSON.stringify(good)}`)).toEqual([{ ok: true, tick: good }]);
  });

  it('reads a watermark mark, the form watermarkMarkPayload writes', () => {
    const mark = { symbol: 'EUR/USD', watermark: 1_717_200_000_000 };
    expect(decodeRecordPayload(watermarkMarkPayload(mark))).toEqual({ kind: 'watermark', mark });
  });

  it('quarantines a malformed mark with the reason, and never takes a tick for a mark', () => {
    expect(ticksOf('{"tickflow":"watermark","symbol":"BTC-USD","watermark":"soon"}')).toEqual([
      { ok: false, reason: 'watermark record: watermark must be integer epoch milliseconds (got "soon")' },
    ]);
    expect(ticksOf('{"tickflow":"watermark","watermark":1}')[0]).toMatchObject({ ok: false });
    expect(ticksOf(JSON.stringify({ ...good, tickflow: 'other' }))).toEqual([{ ok: true, tick: good }]);
  });
});
