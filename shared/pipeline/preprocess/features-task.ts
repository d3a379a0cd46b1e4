import { engineerSymbolFeatures, FEATURE_NAMES, SPLITS, sliceFrame } from '../../domain/features/index.js';
import type { Bar } from '../../domain/types.js';
import { featuresPartitionKey, featuresSchema, partitionFileKey } from '../../lake/index.js';
import type { ParquetLake } from '../ports.js';
import { datesInRange, listSymbolBarDates, readBars } from './bar-files.js';
import { featureColumns } from './feature-columns.js';
import { symbolSummaryKey } from './summary-keys.js';
import type { StoredSymbolSummary, SymbolTaskInput, SymbolTaskSucceeded } from './types.js';

const FEATURES_SCHEMA = featuresSchema(FEATURE_NAMES);
const JSON_TYPE = 'application/json';
/** Rows per features file (≈ 25 MB of Parquet): few large files, with a bounded encode. */
export const FEATURE_FILE_ROWS = 131_072;

/**
 * The per-symbol features task: reads the symbol's gold bars of the range, engineers the features,
 * cuts them at the run's global boundaries and writes
 * `features/split=<split>/symbol=<S>/part-0000k.parquet` per non-empty split (k = 0, 1, … per
 * {@link FEATURE_FILE_ROWS} rows), then the summary for
 * finalize. Idempotent: the same bars and boundaries give the same bytes at the same keys, and
 * files under the symbol's split folders that this run did not write are deleted afterwards (new
 * files first, so a crash in between leaves a retry everything it needs).
 */
export async function engineerSymbol(
  store: ParquetLake,
  input: SymbolTaskInput,
): Promise<SymbolTaskSucceeded> {
  const bars = await readSymbolBars(store, input);
  const { frame, ranges, summary } = engineerSymbolFeatures(bars, {
    stepMs: input.stepMs,
    boundaries: input.boundaries,
  });
  const written: string[] = [];
  for (const split of SPLITS) {
    const { start, end } = ranges[split];
    // Files of at most FEATURE_FILE_ROWS rows, numbered in row order: the Parquet writer's WebAssembly
    // memory never shrinks, so the largest encode sets the task's peak memory.
    for (let part = 0, from = start; from < end; part++, from += FEATURE_FILE_ROWS) {
      const key = partitionFileKey(featuresPartitionKey(split, input.symbol), part);
      const rows = sliceFrame(frame, from, Math.min(end, from + FEATURE_FILE_ROWS));
      await store.put(key, store.encodeParquet(FEATURES_SCHEMA, featureColumns(rows)));
      written.push(key);
    }
  }
  await deleteStaleFiles(store, input.symbol, new Set(written));
  const stored: StoredSymbolSummary = {
    interval: input.interval,
    range: input.range,
    boundaries: input.boundaries,
    summary,
  };
  const summaryKey = symbolSummaryKey(input.symbol);
  await store.put(summaryKey, new TextEncoder().encode(JSON.stringify(stored)), JSON_TYPE);
  return { symbol: input.symbol, ok: true, rows: summary.rows, summaryKey, files: written };
}

/** The symbol's bars with window_start in the range, read one date file at a time. */
async function readSymbolBars(store: ParquetLake, input: SymbolTaskInput): Promise<Bar[]> {
  const dates = datesInRange(
    await listSymbolBarDates(store, input.interval, input.symbol),
    input.range.from,
    input.range.to,
  );
  const series = { symbol: input.symbol, interval: input.interval, ...input.range };
  const bars: Bar[] = [];
  for (const { keys } of dates) {
    for (const key of keys) for (const bar of await readBars(store, key, series)) bars.push(bar);
  }
  return bars;
}

/** Deletes every object under the symbol's feature folders that is not in `keep`. */
export async function deleteStaleFiles(
  store: ParquetLake,
  symbol: string,
  keep: ReadonlySet<string>,
): Promise<number> {
  let deleted = 0;
  for (const split of SPLITS) {
    for (const key of await store.list(`${featuresPartitionKey(split, symbol)}/`)) {
      if (keep.has(key)) continue;
      await store.delete(key);
      deleted++;
    }
  }
  return deleted;
}
