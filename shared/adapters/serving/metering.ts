import {
  type CqlCell,
  failedConditionalWriteUnits,
  keyspacesRowSize,
  keyspacesWriteUnits,
} from '../../cost/index.js';
import type { Bar } from '../../domain/types.js';
import { barRow } from '../../lake/rows.js';
import type { UsageMeter } from '../cost/usage-meter.js';
import { CLUSTERING_KEY, PARTITION_KEY, REGULAR_COLUMNS } from './schema.js';
import type { UpsertResult } from './serving-store.js';

/** The encoded size Keyspaces bills for one bar row of the bars table (schema.ts). */
export function barRowBytes(bar: Bar, isFinal: boolean): number {
  // The lake's row of a bar holds the same measures under the same column names.
  const values: Record<string, unknown> = {
    ...barRow(bar),
    symbol: bar.symbol,
    interval: bar.interval,
    day: bar.windowStart, // a date: fixed width, the value does not change the size
    is_final: isFinal,
    updated_at: 0,
  };
  const cell = (c: { name: string; type: string }) => ({ type: c.type, value: values[c.name] }) as CqlCell;
  return keyspacesRowSize({
    partitionKey: PARTITION_KEY.map(cell),
    clustering: [cell(CLUSTERING_KEY.column)],
    regular: REGULAR_COLUMNS.map(cell),
  });
}

/**
 * Counts one `upsertBars` call in Keyspaces write units: every final row is a write; a forming row is
 * a lightweight transaction, billed on the new row when applied and on the existing (final) row when
 * its condition was false. Which rows were refused is not reported, only how many: they are billed
 * at the average size of the call's rows (all rows of the table have the same columns).
 */
export function meterServingUpsert(
  meter: UsageMeter,
  bars: readonly Bar[],
  isFinal: boolean,
  result: Pick<UpsertResult, 'written' | 'skippedFinal'>,
): void {
  if (bars.length === 0) return;
  let units = 0;
  let bytes = 0;
  for (const bar of bars) {
    const size = barRowBytes(bar, isFinal);
    bytes += size;
    units += keyspacesWriteUnits(size);
  }
  if (!isFinal && result.skippedFinal > 0) {
    const average = bytes / bars.length;
    units -= result.skippedFinal * keyspacesWriteUnits(average);
    units += result.skippedFinal * failedConditionalWriteUnits(average);
    meter.add('keyspaces.failedConditionalWrites', result.skippedFinal);
  }
  meter.add('keyspaces.writeUnits', units);
}
