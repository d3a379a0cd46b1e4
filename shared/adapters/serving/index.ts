export type { StoredBar } from './bar-rows.js';
export { buildClientOptions } from './client-options.js';
export {
  BARS_TABLE,
  DEFAULT_KEYSPACE,
  DEFAULT_RETENTION,
  type KeyspacesServingConfig,
  type LocalServingConfig,
  type Retention,
  type ServingStoreConfig,
  ttlFor,
} from './config.js';
export { utcDay } from './day.js';
export {
  InvalidBarQueryError,
  InvalidServingConfigError,
  ServingStoreError,
  ServingTlsError,
  ServingWriteError,
} from './errors.js';
export { type BackoffPolicy, DEFAULT_BACKOFF, isTransient, withBackoff } from './retry.js';
export { CLUSTERING_KEY, PARTITION_KEY, REGULAR_COLUMNS } from './schema.js';
export {
  type BarQuery,
  DEFAULT_LOOKBACK_DAYS,
  MAX_BATCH_STATEMENTS,
  ServingStore,
  sharedServingStore,
  type UpsertResult,
} from './serving-store.js';
