import { describe, expect, it } from 'vitest';
import type { TickOrigin } from '../../../shared/domain/types.js';
import { barRow, lateTickRow, quarantineRow, tickRow } from '../../../shared/lake/rows.js';
import { BARS_SCHEMA, LATE_SCHEMA, QUARANTINE_SCHEMA, TICKS_SCHEMA } from '../../../shared/lake/schemas.js';

const origin: TickOrigin = {
  shardId: 'shardId-000000000001',
  sequenceNumber: '4959',
  subIndex: 2,
  arrivalTime: 9,
};
const columnNames = (schema: { columns: readonly { name: string }[] }) =>
  schema.columns.map((c) => c.name).sort();

describe('domain values to lake rows', () => {
  it('maps a bar to exactly the bars columns', () => {
    const row = barRow({
      symbol: 'EUR/USD',
      interval: '1m',
      windowStart: 60_000,
      windowEnd: 120_000,
      open: 1,
      high: 3,
      low: 0.5,
      close: 2,
      volume: 0,
      vwap: null,
      tradeCount: 4,
    });
    expect(Object.keys(row).sort()).toEqual(columnNames(BARS_SCHEMA));
    expect(row).toMatchObject({ window_start: 60_000, window_end: 120_000, vwap: null, trade_count: 4 });
  });

  it('maps ticks, late ticks and quarantined records with their origin; a missing id or field is null', () => {
    const tick = { symbol: 'X', ts: 5, price: 1.5, size: 2 };
    const t = tickRow(tick, origin);
    expect(Object.keys(t).sort()).toEqual(columnNames(TICKS_SCHEMA));
    expect(t).toMatchObject({
      id: null,
      shard_id: 'shardId-000000000001',
      sequence_number: '4959',
      sub_index: 2,
    });
    const late = lateTickRow({ tick: { ...tick, id: 't1' }, interval: '1m', watermark: 4 }, origin);
    expect(Object.keys(late).sort()).toEqual(columnNames(LATE_SCHEMA));
    expect(late).toMatchObject({ id: 't1', watermark: 4, arrival_time: 9 });
    const quarantined = quarantineRow({ raw: '{}', reason: 'missing price' }, origin);
    expect(Object.keys(quarantined).sort()).toEqual(columnNames(QUARANTINE_SCHEMA));
    expect(quarantined).toMatchObject({ field: null, reason: 'missing price' });
  });
});
