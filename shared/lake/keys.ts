/**
 * Object keys of the lake (docs/lake.md#layout), relative to the lake root (the bucket, or a local directory):
 *
 *   bars/interval=<label>/symbol=<S>/date=<YYYY-MM-DD>/part-00000.parquet
 *   ticks/symbol=<S>/date=<YYYY-MM-DD>/…
 *   late/interval=<label>/symbol=<S>/date=<YYYY-MM-DD>/…
 *   quarantine/date=<YYYY-MM-DD>/…
 *   features/split=<train|val|test>/symbol=<S>/…
 *
 * Partition values are escaped as Hive does ({@link escapeHivePathValue}); `date` is the UTC calendar date
 * of the row's event time (bars: `window_start`; ticks and late ticks: `ts`; quarantined records, which have
 * no valid event time: `arrival_time`).
 *
 * File names are deterministic: a partition is materialised as `part-00000.parquet`, `part-00001.parquet`, …
 * numbered in row order, so rewriting a partition from the same rows replaces the same objects (idempotent
 * writes, never a file named after a Lambda batch). A writer that needs several independent files in one
 * partition may name them with a tag derived from the rows' identity (`part-<tag>.parquet`, {@link partFileName}).
 */

import { LakeKeyError } from './errors.js';
import { escapeHivePathValue, unescapeHivePathValue } from './hive-escape.js';

/** The lake's datasets, each a top-level folder. */
export type LakeDataset = 'bars' | 'ticks' | 'late' | 'quarantine' | 'features';

/** Splits of the feature lake. */
export type FeatureSplit = 'train' | 'val' | 'test';

/** Partition columns of each dataset, outermost first. They are folder names, never columns in the files. */
export const LAKE_PARTITIONING: Readonly<Record<LakeDataset, readonly string[]>> = {
  bars: ['interval', 'symbol', 'date'],
  ticks: ['symbol', 'date'],
  late: ['interval', 'symbol', 'date'],
  quarantine: ['date'],
  features: ['split', 'symbol'],
};

const DATASETS = Object.keys(LAKE_PARTITIONING) as LakeDataset[];
const SPLITS: readonly string[] = ['train', 'val', 'test'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const PART_TAG = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * UTC calendar date (`YYYY-MM-DD`) of an epoch-millisecond instant: the value of a `date` partition.
 * @example utcDate(Date.UTC(2024, 0, 2, 23, 59)) === '2024-01-02'
 */
export function utcDate(epochMs: number): string {
  const year = Number.isFinite(epochMs) ? new Date(epochMs).getUTCFullYear() : Number.NaN;
  if (!(year >= 0 && year <= 9999)) {
    throw new LakeKeyError(String(epochMs), 'date partition needs an epoch-ms instant in years 0000–9999');
  }
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * Key of a partition folder (no trailing slash) from its decoded values, in the dataset's column order.
 * @example partitionKey('ticks', { symbol: 'EUR/USD', date: '2024-01-02' }) === 'ticks/symbol=EUR%2FUSD/date=2024-01-02'
 */
export function partitionKey(dataset: LakeDataset, values: Readonly<Record<string, string>>): string {
  const columns = LAKE_PARTITIONING[dataset];
  const extra = Object.keys(values).filter((name) => !columns.includes(name));
  if (extra.length > 0) throw new LakeKeyError(dataset, `unknown partition column(s) ${extra.join(', ')}`);
  return partitionPrefix(dataset, values).slice(0, -1);
}

/**
 * Listing prefix (ending in `/`) for the leading partition columns given, e.g. every date of one symbol:
 * `partitionPrefix('bars', { interval: '1m', symbol: 'EUR/USD' })` → `bars/interval=1m/symbol=EUR%2FUSD/`.
 * Stops at the first column without a value; `partitionPrefix('bars', {})` → `bars/`.
 */
export function partitionPrefix(dataset: LakeDataset, values: Readonly<Record<string, string>>): string {
  let prefix = `${dataset}/`;
  for (const column of LAKE_PARTITIONING[dataset]) {
    const value = values[column];
    if (value === undefined) break;
    checkPartitionValue(dataset, column, value);
    prefix += `${column}=${escapeHivePathValue(value)}/`;
  }
  return prefix;
}

/**
 * Deterministic file name inside a partition: `part-00000.parquet` for part 0 (the usual single file), or
 * `part-<tag>.parquet` for a tag of `[A-Za-z0-9_-]`.
 */
export function partFileName(part: number | string = 0): string {
  if (typeof part === 'number') {
    if (!Number.isSafeInteger(part) || part < 0)
      throw new LakeKeyError(String(part), 'part number must be ≥ 0');
    return `part-${String(part).padStart(5, '0')}.parquet`;
  }
  if (!PART_TAG.test(part)) throw new LakeKeyError(part, 'part tag must match [A-Za-z0-9_-]{1,100}');
  return `part-${part}.parquet`;
}

/** Key of one file of a partition: `<partitionKey>/<partFileName(part)>`. */
export function partitionFileKey(partition: string, part: number | string = 0): string {
  return `${partition}/${partFileName(part)}`;
}

function checkPartitionValue(dataset: LakeDataset, column: string, value: string): void {
  if (value.length === 0) throw new LakeKeyError(dataset, `partition value of '${column}' is empty`);
  if (column === 'date' && !ISO_DATE.test(value)) {
    throw new LakeKeyError(value, `'date' must be YYYY-MM-DD`);
  }
  if (column === 'split' && !SPLITS.includes(value)) {
    throw new LakeKeyError(value, `'split' must be one of ${SPLITS.join(', ')}`);
  }
}

/** A key of the lake, decoded. */
export interface LakeLocation {
  readonly dataset: LakeDataset;
  /** Decoded partition values by column (`{ interval: '1m', symbol: 'EUR/USD', date: '2024-01-02' }`). */
  readonly partition: Readonly<Record<string, string>>;
  /** The file name when the key names a file (`part-00000.parquet`), else undefined. */
  readonly fileName?: string;
}

/**
 * Decodes a partition folder or file key (relative to the lake root) back into its dataset and values.
 * Inverse of {@link partitionKey}/{@link partitionFileKey}; throws {@link LakeKeyError} on anything else.
 * @example parsePartitionPath('bars/interval=1m/symbol=EUR%2FUSD/date=2024-01-02/part-00000.parquet')
 *   // { dataset: 'bars', partition: { interval: '1m', symbol: 'EUR/USD', date: '2024-01-02' }, fileName: 'part-00000.parquet' }
 */
export function parsePartitionPath(key: string): LakeLocation {
  const segments = key.replace(/\/$/, '').split('/');
  const dataset = segments[0] as LakeDataset;
  if (!DATASETS.includes(dataset)) throw new LakeKeyError(key, `unknown dataset '${segments[0]}'`);
  const columns = LAKE_PARTITIONING[dataset];
  if (segments.length < 1 + columns.length)
    throw new LakeKeyError(key, `expected ${columns.join('/')} partitions`);
  const partition: Record<string, string> = {};
  columns.forEach((column, i) => {
    const segment = segments[1 + i]!;
    if (!segment.startsWith(`${column}=`))
      throw new LakeKeyError(key, `expected '${column}=…', got '${segment}'`);
    const value = unescapeHivePathValue(segment.slice(column.length + 1));
    try {
      checkPartitionValue(dataset, column, value);
    } catch (err) {
      throw new LakeKeyError(key, err instanceof LakeKeyError ? err.reason : String(err));
    }
    partition[column] = value;
  });
  const rest = segments.slice(1 + columns.length);
  if (rest.length > 1 || rest[0] === '')
    throw new LakeKeyError(key, 'unexpected segments after the partitions');
  return rest.length === 1 ? { dataset, partition, fileName: rest[0]! } : { dataset, partition };
}
