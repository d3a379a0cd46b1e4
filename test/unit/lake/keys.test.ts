import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LakeKeyError } from '../../../shared/lake/errors.js';
import {
  parsePartitionPath,
  partFileName,
  partitionFileKey,
  partitionKey,
  partitionPrefix,
  utcDate,
} from '../../../shared/lake/keys.js';
import {
  barsPartitionKey,
  featuresPartitionKey,
  latePartitionKey,
  quarantinePartitionKey,
  ticksPartitionKey,
} from '../../../shared/lake/partitions.js';

const T = Date.UTC(2024, 0, 2, 9, 30);

describe('lake keys (docs/lake.md)', () => {
  it('lays out every dataset as Hive partitions with escaped values', () => {
    expect(barsPartitionKey('1m', 'EUR/USD', T)).toBe('bars/interval=1m/symbol=EUR%2FUSD/date=2024-01-02');
    expect(ticksPartitionKey('XAU:USD', T)).toBe('ticks/symbol=XAU%3AUSD/date=2024-01-02');
    expect(latePartitionKey('5m_1m', 'BTC-USD', T)).toBe(
      'late/interval=5m_1m/symbol=BTC-USD/date=2024-01-02',
    );
    expect(quarantinePartitionKey(T)).toBe('quarantine/date=2024-01-02');
    expect(featuresPartitionKey('val', 'EUR/USD')).toBe('features/split=val/symbol=EUR%2FUSD');
  });

  it('dates a partition by the UTC calendar day of the instant', () => {
    expect(utcDate(Date.UTC(2024, 0, 2, 23, 59, 59, 999))).toBe('2024-01-02');
    expect(utcDate(Date.UTC(2024, 0, 3))).toBe('2024-01-03');
    expect(utcDate(-1)).toBe('1969-12-31');
    expect(() => utcDate(Number.NaN)).toThrow(LakeKeyError);
  });

  it('names files deterministically per partition', () => {
    expect(partFileName()).toBe('part-00000.parquet');
    expect(partFileName(12)).toBe('part-00012.parquet');
    expect(partFileName('shard-0001_49590')).toBe('part-shard-0001_49590.parquet');
    expect(partitionFileKey(quarantinePartitionKey(T))).toBe('quarantine/date=2024-01-02/part-00000.parquet');
    expect(() => partFileName(-1)).toThrow(LakeKeyError);
    expect(() => partFileName('../x')).toThrow(LakeKeyError);
  });

  it('builds listing prefixes from the leading partition columns', () => {
    expect(partitionPrefix('bars', {})).toBe('bars/');
    expect(partitionPrefix('bars', { interval: '1h', symbol: 'A/B' })).toBe('bars/interval=1h/symbol=A%2FB/');
  });

  it('rejects empty values, malformed dates, unknown splits and unknown columns', () => {
    expect(() => barsPartitionKey('', 'X', T)).toThrow(LakeKeyError);
    expect(() => partitionKey('quarantine', { date: '2024-1-2' })).toThrow(/YYYY-MM-DD/);
    expect(() => partitionKey('features', { split: 'holdout', symbol: 'X' })).toThrow(/split/);
    expect(() => partitionKey('ticks', { symbol: 'X', date: '2024-01-02', hour: '1' })).toThrow(/hour/);
  });

  it('parses a file key back into dataset, decoded values and file name', () => {
    expect(
      parsePartitionPath('bars/interval=1m/symbol=EUR%2FUSD/date=2024-01-02/part-00000.parquet'),
    ).toEqual({
      dataset: 'bars',
      partition: { interval: '1m', symbol: 'EUR/USD', date: '2024-01-02' },
      fileName: 'part-00000.parquet',
    });
    expect(parsePartitionPath('features/split=test/symbol=XAU%3AUSD/')).toEqual({
      dataset: 'features',
      partition: { split: 'test', symbol: 'XAU:USD' },
    });
  });

  it('refuses keys outside the layout, saying why', () => {
    expect(() => parsePartitionPath('gold/x=1')).toThrow(/unknown dataset/);
    expect(() => parsePartitionPath('ticks/date=2024-01-02/symbol=X')).toThrow(/expected 'symbol=/);
    expect(() => parsePartitionPath('ticks/symbol=X')).toThrow(/symbol\/date/);
    expect(() => parsePartitionPath('ticks/symbol=X/date=yesterday')).toThrow(/YYYY-MM-DD/);
    expect(() => parsePartitionPath('quarantine/date=2024-01-02/a/b.parquet')).toThrow(/unexpected segments/);
    const error = (() => {
      try {
        parsePartitionPath('ticks/symbol=X');
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(LakeKeyError);
    expect((error as LakeKeyError).key).toBe('ticks/symbol=X');
  });

  it('round-trips any contract symbol, interval and instant through key and parser', () => {
    const symbol = fc.stringMatching(/^[A-Za-z0-9._:/-]{1,32}$/);
    const interval = fc.constantFrom('1m', '5m', '15m', '1h', '1d', '5m_1m');
    const instant = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) });
    fc.assert(
      fc.property(interval, symbol, instant, fc.nat(99_999), (i, s, t, part) => {
        const key = partitionFileKey(barsPartitionKey(i, s, t), part);
        expect(parsePartitionPath(key)).toEqual({
          dataset: 'bars',
          partition: { interval: i, symbol: s, date: utcDate(t) },
          fileName: partFileName(part),
        });
      }),
    );
  });
});
