import { describe, expect, it } from 'vitest';
import { instant, renderBars } from '../../../cli/commands/bars.js';
import type { StoredBar } from '../../../shared/adapters/serving/index.js';

const bar: StoredBar = {
  symbol: 'EUR/USD',
  interval: '1m',
  windowStart: Date.UTC(2024, 2, 10),
  windowEnd: Date.UTC(2024, 2, 10, 0, 1),
  open: 1.1,
  high: 1.2,
  low: 1,
  close: 1.15,
  volume: 0,
  vwap: null,
  tradeCount: 0,
  isFinal: true,
  updatedAt: 0,
};

describe('tickflow bars output', () => {
  it('CSV has a header and an empty cell for a null vwap', () => {
    expect(renderBars([bar], 'csv')).toBe(
      'window_start,window_end,open,high,low,close,volume,vwap,trade_count,is_final\n' +
        '2024-03-10T00:00:00.000Z,2024-03-10T00:01:00.000Z,1.1,1.2,1,1.15,0,,0,true\n',
    );
  });

  it('JSON round-trips the bars; an empty table says so', () => {
    expect(JSON.parse(renderBars([bar], 'json'))).toEqual([bar]);
    expect(renderBars([], 'table')).toContain('(no bars)');
  });

  it('--from/--to accept ISO-8601 and epoch ms and reject anything else', () => {
    expect(instant('2024-03-10T00:00:00Z')).toBe(Date.UTC(2024, 2, 10));
    expect(instant('1710028800000')).toBe(1710028800000);
    expect(() => instant('yesterday')).toThrow(/ISO-8601/);
  });
});
