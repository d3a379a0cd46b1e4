/**
 * Lake rows or columns → an Apache Arrow table with the exact types of a {@link LakeSchema}, built straight
 * from typed arrays (no per-value builders: 1M bars convert in tens of milliseconds).
 */

import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';
import { LakeSchemaError } from '../../lake/errors.js';
import type {
  LakeColumn,
  LakeColumns,
  LakeColumnType,
  LakeRow,
  LakeSchema,
  LakeValue,
} from '../../lake/schemas.js';

export type { LakeColumns };

const ARROW_TYPES: Record<LakeColumnType, () => DataType> = {
  timestamp: () => new TimestampMillisecond('UTC'),
  double: () => new Float64(),
  int64: () => new Int64(),
  int32: () => new Int32(),
  string: () => new Utf8(),
  boolean: () => new Bool(),
};

/** Turns row-major lake rows into columns of the schema (values unchecked until {@link arrowTable}). */
export function columnsFromRows(schema: LakeSchema, rows: readonly LakeRow[]): LakeColumns {
  const columns: Record<string, LakeValue[]> = {};
  for (const { name } of schema.columns) {
    const values = new Array<LakeValue>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = rows[i]![name];
      values[i] = value === undefined ? null : value;
    }
    columns[name] = values;
  }
  return columns;
}

/** Builds the Arrow table of a schema; throws {@link LakeSchemaError} on a missing column or a value that does not fit. */
export function arrowTable(schema: LakeSchema, columns: LakeColumns): Table {
  const lengths = new Set(schema.columns.map((c) => columnOf(schema, columns, c).length));
  if (lengths.size > 1)
    throw new LakeSchemaError(schema.name, '*', `columns differ in length (${[...lengths]})`);
  const length = lengths.values().next().value ?? 0;
  const fields = schema.columns.map((c) => new Field(c.name, ARROW_TYPES[c.type](), c.nullable));
  const children = schema.columns.map((c, i) =>
    columnData(schema, c, fields[i]!.type, columnOf(schema, columns, c), length),
  );
  const arrowSchema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(arrowSchema, struct)]);
}

function columnOf(schema: LakeSchema, columns: LakeColumns, column: LakeColumn): ArrayLike<LakeValue> {
  const values = columns[column.name];
  if (values === undefined)
    throw new LakeSchemaError(schema.name, column.name, 'column missing from the input');
  return values;
}

function columnData(
  schema: LakeSchema,
  column: LakeColumn,
  type: DataType,
  values: ArrayLike<LakeValue>,
  length: number,
) {
  const fail = (row: number, reason: string) => new LakeSchemaError(schema.name, column.name, reason, row);
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  const isValid = (row: number): boolean => {
    const value = values[row];
    if (value === null || value === undefined) {
      if (!column.nullable) throw fail(row, 'null in a required column');
      nullCount++;
      return false;
    }
    validity[row >> 3]! |= 1 << (row & 7);
    return true;
  };
  const nullBitmap = () => (nullCount > 0 ? validity : undefined);

  switch (column.type) {
    case 'double': {
      const data = new Float64Array(length);
      for (let i = 0; i < length; i++) {
        if (!isValid(i)) continue;
        const value = values[i];
        if (typeof value !== 'number') throw fail(i, `expected a number, got ${typeof value}`);
        data[i] = value;
      }
      return makeData({ type: type as Float64, length, nullCount, nullBitmap: nullBitmap(), data });
    }
    case 'timestamp':
    case 'int64': {
      const data = new BigInt64Array(length);
      // Written as little-endian 32-bit halves: BigInt() per value is the slowest step of a 1M-row encode.
      const halves = new Uint32Array(data.buffer);
      for (let i = 0; i < length; i++) {
        if (!isValid(i)) continue;
        const value = values[i];
        if (!Number.isSafeInteger(value)) throw fail(i, `expected a safe integer, got ${String(value)}`);
        const high = Math.floor((value as number) / 2 ** 32);
        halves[2 * i] = (value as number) - high * 2 ** 32;
        halves[2 * i + 1] = high;
      }
      return makeData({ type: type as Int64, length, nullCount, nullBitmap: nullBitmap(), data });
    }
    case 'int32': {
      const data = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        if (!isValid(i)) continue;
        const value = values[i];
        if (!Number.isInteger(value) || (value as number) !== ((value as number) | 0)) {
          throw fail(i, `expected a 32-bit integer, got ${String(value)}`);
        }
        data[i] = value as number;
      }
      return makeData({ type: type as Int32, length, nullCount, nullBitmap: nullBitmap(), data });
    }
    case 'string': {
      const encoder = new TextEncoder();
      const parts: Uint8Array[] = new Array(length);
      const valueOffsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        if (isValid(i)) {
          const value = values[i];
          if (typeof value !== 'string') throw fail(i, `expected a string, got ${typeof value}`);
          parts[i] = encoder.encode(value);
          total += parts[i]!.length;
        }
        valueOffsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < length; i++) if (parts[i] !== undefined) data.set(parts[i]!, valueOffsets[i]!);
      return makeData({
        type: type as Utf8,
        length,
        nullCount,
        nullBitmap: nullBitmap(),
        valueOffsets,
        data,
      });
    }
    case 'boolean': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) {
        if (!isValid(i)) continue;
        const value = values[i];
        if (typeof value !== 'boolean') throw fail(i, `expected a boolean, got ${typeof value}`);
        if (value) data[i >> 3]! |= 1 << (i & 7);
      }
      return makeData({ type: type as Bool, length, nullCount, nullBitmap: nullBitmap(), data });
    }
  }
}
