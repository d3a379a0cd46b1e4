import { describe, expect, it } from 'vitest';
import { closeLag, logReturns, priceShape } from '../../../shared/domain/features/index.js';
import { expectClose, TULIP_CLOSE, TULIP_HIGH, TULIP_LOW } from './reference-data.js';

describe('log_return, spread/change/log_range, close lags', () => {
  it('log_return is null at row 0 and ln(c_t/c_{t−1}) after, matching Tulip ln differences', () => {
    // TulipCharts/tulipindicators tests/untest.txt, "ln": ln of each close (three decimals).
    const ln = [4.402, 4.395, 4.417, 4.419, 4.426];
    const lr = logReturns(TULIP_CLOSE);
    expect(lr[0]).toBeNaN();
    for (let t = 0; t < ln.length; t++) expectClose(Math.log(TULIP_CLOSE[t]!), ln[t]!, 3);
    for (let t = 1; t < TULIP_CLOSE.length; t++) {
      expect(lr[t]).toBeCloseTo(Math.log(TULIP_CLOSE[t]!) - Math.log(TULIP_CLOSE[t - 1]!), 12);
    }
  });

  it('close_lag_k matches Tulip lag 5 and is null for the first k rows', () => {
    // TulipCharts/tulipindicators tests/untest.txt, "lag 5": output starts at row 5.
    const expected = [81.59, 81.06, 82.87, 83.0, 83.61, 83.15, 82.84, 83.99, 84.55, 84.36];
    const lag = closeLag(TULIP_CLOSE, 5);
    for (let t = 0; t < 5; t++) expect(lag[t]).toBeNaN();
    expect([...lag.subarray(5)]).toEqual(expected);
  });

  it('spread = high − low, change = close − open, log_range = ln(high/low), 0 on a filled row', () => {
    const open = Float64Array.of(10, 12);
    const high = Float64Array.of(11, 12);
    const low = Float64Array.of(9, 12);
    const close = Float64Array.of(10.5, 12);
    const shape = priceShape(open, high, low, close);
    expect([...shape.spread]).toEqual([2, 0]);
    expect([...shape.change]).toEqual([0.5, 0]);
    expect(shape.logRange[0]).toBeCloseTo(Math.log(11 / 9), 15);
    expect(shape.logRange[1]).toBe(0);
    const tulip = priceShape(TULIP_CLOSE, TULIP_HIGH, TULIP_LOW, TULIP_CLOSE);
    expect(tulip.spread[0]).toBeCloseTo(82.15 - 81.29, 12);
  });
});
