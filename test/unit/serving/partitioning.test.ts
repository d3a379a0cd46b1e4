import { describe, expect, it } from 'vitest';
import { chunk, groupByPartition } from '../../../shared/adapters/serving/bar-rows.js';
import { DEFAULT_RETENTION, ttlFor, utcDay } from '../../../shared/adapters/serving/index.js';
import type { Bar } from '../../../shared/domain/types.js';

const bar = (symbol: string, interval: string, windowStart: number): Bar => ({
  symbol,
  interval,
  windowStart,
  windowEnd: windowStart + 60_000,
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
  vwap: 1,
  tradeCount: 1,
});

describe('serving-store partitioning', () => {
  it('the day of a bar is the UTC date of its window_start', () => {
    expect(utcDay(Date.UTC(2024, 2, 9, 23, 59, 59, 999))).toBe('2024-03-09');
    expect(utcDay(Date.UTC(2024, 2, 10))).toBe('2024-03-10');
    expect(utcDay(Date.UTC(1969, 11, 31, 12))).toBe('1969-12-31');
  });

  it('groups bars by (symbol, interval, day), keeping their order', () => {
    const m = Date.UTC(2024, 2, 10);
    const groups = groupByPartition([
      bar('A', '1m', m),
      bar('A', '1m', m - 60_000),
      bar('A', '5m', m),
      bar('A', '1m', m + 60_000),
      bar('B', '1m', m),
    ]);
    expect(
      groups.map((g) =>
        g.map((b) => `${b.symbol}/${b.interval}/${utcDay(b.windowStart)}/${b.windowStart - m}`),
      ),
    ).toEqual([
      ['A/1m/2024-03-10/0', 'A/1m/2024-03-10/60000'],
      ['A/1m/2024-03-09/-60000'],
      ['A/5m/2024-03-10/0'],
      ['B/1m/2024-03-10/0'],
    ]);
  });

  it('chunks into pieces of at most the given size', () => {
    expect(chunk([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(chunk([], 30)).toEqual([]);
  });

  it('TTL follows the retention per interval; unknown intervals get 30 days; 1d bars are kept', () => {
    expect(ttlFor('1m')).toBe(7 * 86_400);
    expect(ttlFor('1d')).toBe(0);
    expect(ttlFor('2h')).toBe(30 * 86_400);
    expect(ttlFor('1m', { ...DEFAULT_RETENTION, '1m': 60 })).toBe(60);
  });
});
