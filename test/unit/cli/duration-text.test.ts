import { describe, expect, it } from 'vitest';
import { duration, durationText } from '../../../cli/options.js';

describe('durationText', () => {
  it('writes a default in the largest whole unit', () => {
    expect([1_000, 600_000, 10_000, 300_000, 3_600_000, 86_400_000, 1_500, 0].map(durationText)).toEqual([
      '1s',
      '10m',
      '10s',
      '5m',
      '1h',
      '1d',
      '1500ms',
      '0ms',
    ]);
  });

  it('is read back by duration as the same milliseconds', () => {
    for (const ms of [0, 1, 999, 1_000, 1_500, 61_000, 600_000, 90 * 60_000, 86_400_000]) {
      expect(duration(durationText(ms))).toBe(ms);
    }
  });
});
