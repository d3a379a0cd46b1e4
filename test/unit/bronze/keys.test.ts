import { describe, expect, it } from 'vitest';
import { parsePartitionPath } from '../../../shared/lake/keys.js';
import {
  checkFileMinutes,
  groupByHourFile,
  hourFileOf,
  partKey,
  partNumberOf,
} from '../../../shared/pipeline/bronze/hour-files.js';
import { STAGING_PREFIX, stagingKey } from '../../../shared/pipeline/bronze/staging-keys.js';
import { originTick, seq } from '../../support/bronze/factories.js';

describe('hour files', () => {
  it('names one file per symbol, UTC date and hour of ts, with Hive escaping', () => {
    const file = hourFileOf('EUR/USD', Date.UTC(2024, 0, 2, 13, 59, 59, 999));
    expect(file).toEqual({
      key: 'ticks/symbol=EUR%2FUSD/date=2024-01-02/part-h13.parquet',
      symbol: 'EUR/USD',
      date: '2024-01-02',
      hour: 13,
      minute: 0,
    });
    expect(parsePartitionPath(file.key)).toEqual({
      dataset: 'ticks',
      partition: { symbol: 'EUR/USD', date: '2024-01-02' },
      fileName: 'part-h13.parquet',
    });
    expect(hourFileOf('X', Date.UTC(2024, 0, 3, 0, 0)).key).toBe(
      'ticks/symbol=X/date=2024-01-03/part-h00.parquet',
    );
  });

  it('splits an hour into files of fileMinutes, named by their first minute', () => {
    const file = hourFileOf('EUR/USD', Date.UTC(2024, 0, 2, 13, 59, 59, 999), 15);
    expect(file).toEqual({
      key: 'ticks/symbol=EUR%2FUSD/date=2024-01-02/part-h13-m45.parquet',
      symbol: 'EUR/USD',
      date: '2024-01-02',
      hour: 13,
      minute: 45,
    });
    expect(parsePartitionPath(file.key).fileName).toBe('part-h13-m45.parquet');
    const keys = new Set<string>();
    for (let ms = Date.UTC(2024, 0, 2); ms < Date.UTC(2024, 0, 3); ms += 60_000)
      keys.add(hourFileOf('A', ms, 10).key);
    expect(keys.size).toBe(24 * 6);
    expect(hourFileOf('A', Date.UTC(2024, 0, 2, 7, 9), 10).key).toMatch(/part-h07-m00\.parquet$/);
  });

  it('names the parts of a file after it: part 0 is the file itself, part n adds -pNNNN', () => {
    const hour = hourFileOf('EUR/USD', Date.UTC(2024, 0, 2, 13, 5));
    const quarter = hourFileOf('EUR/USD', Date.UTC(2024, 0, 2, 13, 50), 15);
    expect(partKey(hour, 0)).toBe(hour.key);
    expect(partKey(hour, 1)).toBe('ticks/symbol=EUR%2FUSD/date=2024-01-02/part-h13-p0001.parquet');
    expect(partKey(quarter, 12_345)).toBe(
      'ticks/symbol=EUR%2FUSD/date=2024-01-02/part-h13-m45-p12345.parquet',
    );
    expect(parsePartitionPath(partKey(hour, 7)).partition).toEqual({ symbol: 'EUR/USD', date: '2024-01-02' });
    for (const part of [0, 1, 9_999, 10_000]) {
      expect(partNumberOf(hour, partKey(hour, part))).toBe(part);
      expect(partNumberOf(quarter, partKey(quarter, part))).toBe(part);
    }
    // Other files of the partition are not parts of the hour: another span, another hour, malformed numbers.
    for (const key of [
      quarter.key,
      partKey(quarter, 1),
      'ticks/symbol=EUR%2FUSD/date=2024-01-02/part-h14.parquet',
    ]) {
      expect(partNumberOf(hour, key)).toBeUndefined();
    }
    for (const suffix of ['-p1', '-p0000', '-p00001', '-pabcd', '-p0001.tmp'])
      expect(partNumberOf(hour, `${hour.key.slice(0, -8)}${suffix}.parquet`)).toBeUndefined();
    expect(() => partKey(hour, -1)).toThrow(RangeError);
  });

  it('accepts only file spans that divide the hour', () => {
    for (const minutes of [1, 5, 10, 15, 20, 30, 60]) expect(checkFileMinutes(minutes)).toBe(minutes);
    for (const minutes of [0, 7, 45, 90, 2.5])
      expect(() => checkFileMinutes(minutes)).toThrow('must divide 60');
  });

  it('gives a symbol-day at most 24 files', () => {
    const keys = new Set<string>();
    for (let ms = Date.UTC(2024, 0, 2); ms < Date.UTC(2024, 0, 3); ms += 7 * 60_000)
      keys.add(hourFileOf('A', ms).key);
    expect(keys.size).toBe(24);
  });

  it('groups ticks by symbol and hour', () => {
    const h = (hour: number, minute = 0) => Date.UTC(2024, 0, 2, hour, minute);
    const ticks = [
      originTick({ symbol: 'A', ts: h(9, 1) }),
      originTick({ symbol: 'B', ts: h(9, 2) }),
      originTick({ symbol: 'A', ts: h(9, 59) }),
      originTick({ symbol: 'A', ts: h(10) }),
    ];
    const groups = groupByHourFile(ticks);
    expect([...groups.entries()].map(([key, g]) => [key, g.ticks.length])).toEqual([
      ['ticks/symbol=A/date=2024-01-02/part-h09.parquet', 2],
      ['ticks/symbol=B/date=2024-01-02/part-h09.parquet', 1],
      ['ticks/symbol=A/date=2024-01-02/part-h10.parquet', 1],
    ]);
  });
});

describe('stagingKey', () => {
  const batch = [
    originTick({}, { sequenceNumber: seq(1) }),
    originTick({}, { sequenceNumber: seq(1), subIndex: 1 }),
    originTick({}, { sequenceNumber: seq(5) }),
  ];

  it('lives outside the table locations and names the shard and the sequence range', () => {
    const key = stagingKey(batch);
    expect(key.startsWith(STAGING_PREFIX)).toBe(true);
    expect(key).toMatch(
      new RegExp(`^staging/ticks/shard=shardId-000000000000/${seq(1)}-${seq(5)}-[0-9a-f]{16}\\.parquet$`),
    );
  });

  it('is a function of the rows: same rows, same key; other rows in the same range, another key', () => {
    expect(stagingKey(batch.map((t) => ({ ...t })))).toBe(stagingKey(batch));
    expect(stagingKey([batch[0]!, batch[2]!])).not.toBe(stagingKey(batch));
  });

  it('refuses an empty batch', () => {
    expect(() => stagingKey([])).toThrow(RangeError);
  });
});
