import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidIntervalError } from '../../../shared/domain/errors.js';
import { assignWindows, parseInterval, parseIntervals } from '../../../shared/domain/intervals.js';

describe('parseInterval', () => {
  it('reads tumbling labels in seconds, minutes, hours and days', () => {
    expect(parseInterval('30s')).toEqual({ label: '30s', sizeMs: 30_000, slideMs: 30_000 });
    expect(parseInterval('15m')).toEqual({ label: '15m', sizeMs: 900_000, slideMs: 900_000 });
    expect(parseInterval('1h')).toEqual({ label: '1h', sizeMs: 3_600_000, slideMs: 3_600_000 });
    expect(parseInterval('1d')).toEqual({ label: '1d', sizeMs: 86_400_000, slideMs: 86_400_000 });
  });

  it('reads a sliding label as size and slide', () => {
    expect(parseInterval('5m_1m')).toEqual({ label: '5m_1m', sizeMs: 300_000, slideMs: 60_000 });
    expect(parseInterval('1h_15m')).toEqual({ label: '1h_15m', sizeMs: 3_600_000, slideMs: 900_000 });
  });

  it.each([
    ['', 'is not a duration'],
    ['5', 'is not a duration'],
    ['0m', 'is not a duration'],
    ['05m', 'is not a duration'],
    ['1.5m', 'is not a duration'],
    ['5ms', 'is not a duration'],
    ['1w', 'is not a duration'],
    [' 1m', 'is not a duration'],
    ['1m_', 'is not a duration'],
    ['5m_2m', 'the slide (2m) must divide the size (5m)'],
    ['1m_5m', 'the slide (5m) must divide the size (1m)'],
    ['5m_1m_1m', 'expected <size> or <size>_<slide>'],
  ])('rejects %j because it %s', (label, reason) => {
    const attempt = () => parseInterval(label);
    expect(attempt).toThrow(InvalidIntervalError);
    expect(attempt).toThrow(reason);
  });

  it('carries the label and the reason on the error', () => {
    try {
      parseInterval('7m_2m');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ label: '7m_2m', reason: 'the slide (2m) must divide the size (7m)' });
    }
  });
});

describe('parseIntervals', () => {
  it('parses the default list in order', () => {
    const specs = parseIntervals(['1m', '5m', '15m', '1h', '1d', '5m_1m']);
    expect(specs.map((s) => s.label)).toEqual(['1m', '5m', '15m', '1h', '1d', '5m_1m']);
  });

  it('rejects an empty list and a repeated label', () => {
    expect(() => parseIntervals([])).toThrow('at least one interval is required');
    expect(() => parseIntervals(['1m', '5m', '1m'])).toThrow('listed more than once');
  });
});

describe('assignWindows', () => {
  const spec = fc
    .tuple(
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom(1_000, 60_000, 3_600_000),
      fc.integer({ min: 1, max: 6 }),
    )
    .map(([slideCount, unit, ratio]) => {
      const slideMs = slideCount * unit;
      return { label: 'x', sizeMs: slideMs * ratio, slideMs };
    });
  const ts = fc.integer({ min: -1e13, max: 1e13 });

  it('puts every timestamp in exactly size/slide windows, each aligned to the epoch and holding it', () => {
    fc.assert(
      fc.property(spec, ts, (interval, t) => {
        const starts = assignWindows(t, interval);
        expect(starts).toHaveLength(interval.sizeMs / interval.slideMs);
        for (const start of starts) {
          expect(start % interval.slideMs === 0).toBe(true);
          expect(start <= t && t < start + interval.sizeMs).toBe(true);
        }
        expect(new Set(starts).size).toBe(starts.length);
      }),
    );
  });

  it('misses no window: the slide before the first and after the last do not hold the timestamp', () => {
    fc.assert(
      fc.property(spec, ts, (interval, t) => {
        const starts = assignWindows(t, interval);
        const before = starts[0]! - interval.slideMs;
        const after = starts.at(-1)! + interval.slideMs;
        expect(t < before + interval.sizeMs).toBe(false);
        expect(after <= t).toBe(false);
      }),
    );
  });

  it('aligns a tumbling day window to UTC midnight', () => {
    const t = Date.UTC(2024, 5, 30, 23, 59, 59, 999);
    expect(assignWindows(t, parseInterval('1d'))).toEqual([Date.UTC(2024, 5, 30)]);
    expect(assignWindows(90_000, parseInterval('2m_1m'))).toEqual([0, 60_000]);
  });
});
