import { describe, expect, it } from 'vitest';
import {
  lakeTickRow,
  originTickFromRow,
  STAGED_TICKS_SCHEMA,
  stagedRow,
  TickRowShapeError,
} from '../../../shared/adapters/bronze/tick-rows.js';
import { decodeParquet, encodeParquet, inspectParquet } from '../../../shared/adapters/parquet/index.js';
import { TICKS_SCHEMA } from '../../../shared/lake/schemas.js';
import { originTick, seq, T0 } from '../../support/bronze/factories.js';

const ticks = [
  originTick({ symbol: 'EUR/USD', ts: T0, price: 1.0931, size: 0, id: 't-1' }, { sequenceNumber: seq(1) }),
  originTick(
    { symbol: 'EUR/USD', ts: T0 + 5, price: 1.0932, size: 2.5 },
    { sequenceNumber: seq(2), subIndex: 3 },
  ),
];

describe('bronze Parquet rows', () => {
  it('round-trips staged ticks (symbol in the file) through Parquet unchanged', async () => {
    const bytes = encodeParquet(STAGED_TICKS_SCHEMA, ticks.map(stagedRow));
    const back = (await decodeParquet(bytes)).map((row, i) => originTickFromRow(row, i));
    expect(back).toEqual(ticks);
  });

  it('writes compacted files with exactly the lake TICKS_SCHEMA and millisecond UTC timestamps', async () => {
    const bytes = encodeParquet(TICKS_SCHEMA, ticks.map(lakeTickRow));
    const facts = inspectParquet(bytes);
    expect(facts.columns.map((c) => c.name)).toEqual(TICKS_SCHEMA.columns.map((c) => c.name));
    expect(facts.columns.find((c) => c.name === 'ts')!.logicalType).toBe('TIMESTAMP(MILLIS,true)');
    expect(facts.columns.find((c) => c.name === 'arrival_time')!.logicalType).toBe('TIMESTAMP(MILLIS,true)');
    const back = (await decodeParquet(bytes)).map((row, i) => originTickFromRow(row, i, 'EUR/USD'));
    expect(back).toEqual(ticks);
  });

  it('rejects a row with a mistyped column, naming it', () => {
    const row = { ...stagedRow(ticks[0]!), sequence_number: 42 };
    expect(() => originTickFromRow(row, 7)).toThrow(TickRowShapeError);
    expect(() => originTickFromRow(row, 7)).toThrow('row 7, column sequence_number');
  });
});
