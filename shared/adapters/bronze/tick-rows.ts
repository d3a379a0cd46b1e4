/**
 * Bronze ticks ↔ Parquet rows. Compacted files use the lake's TICKS_SCHEMA (the symbol is in the path);
 * staged objects are not partitioned, so they carry the symbol as a first column.
 */

import type { Tick } from '../../domain/types.js';
import { tickRow } from '../../lake/rows.js';
import { type LakeRow, type LakeSchema, TICKS_SCHEMA } from '../../lake/schemas.js';
import type { OriginTick } from '../../pipeline/ports.js';
import type { DecodedRow } from '../parquet/decode.js';

/**
 * Columns of a staged object: `symbol`, then TICKS_SCHEMA. Built by hand, not with `defineLakeSchema`,
 * which rightly refuses a partition column inside a lake file: staging is not a table of the lake.
 */
export const STAGED_TICKS_SCHEMA: LakeSchema = Object.freeze({
  name: 'staged_ticks',
  columns: Object.freeze([
    Object.freeze({ name: 'symbol', type: 'string' as const, nullable: false }),
    ...TICKS_SCHEMA.columns,
  ]),
});

/** One row of a staged object. */
export function stagedRow(t: OriginTick): LakeRow {
  return { symbol: t.tick.symbol, ...tickRow(t.tick, t.origin) };
}

/** One row of a compacted hour file. */
export function lakeTickRow(t: OriginTick): LakeRow {
  return tickRow(t.tick, t.origin);
}

/** A column whose value does not have the bronze type; the caller wraps it with the file's key. */
export class TickRowShapeError extends Error {
  override readonly name = 'TickRowShapeError';
  constructor(
    readonly column: string,
    readonly row: number,
    readonly reason: string,
  ) {
    super(`row ${row}, column ${column}: ${reason}`);
  }
}

/**
 * A decoded row back into a tick with its origin. `symbol` comes from the row (staged objects) or from
 * the file's partition (compacted files). Throws {@link TickRowShapeError} on a missing or mistyped column.
 */
export function originTickFromRow(row: DecodedRow, index: number, symbol?: string): OriginTick {
  const num = (column: string): number => {
    const value = row[column];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TickRowShapeError(column, index, `expected a number, got ${String(value)}`);
    }
    return value;
  };
  const str = (column: string): string => {
    const value = row[column];
    if (typeof value !== 'string')
      throw new TickRowShapeError(column, index, `expected a string, got ${String(value)}`);
    return value;
  };
  const id = row.id;
  if (id !== null && id !== undefined && typeof id !== 'string') {
    throw new TickRowShapeError('id', index, `expected a string or null, got ${String(id)}`);
  }
  const base = { symbol: symbol ?? str('symbol'), ts: num('ts'), price: num('price'), size: num('size') };
  const tick: Tick = typeof id === 'string' ? { ...base, id } : base;
  return {
    tick,
    origin: {
      shardId: str('shard_id'),
      sequenceNumber: str('sequence_number'),
      subIndex: num('sub_index'),
      arrivalTime: num('arrival_time'),
    },
  };
}
