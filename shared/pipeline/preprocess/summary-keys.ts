import { escapeHivePathValue } from '../../lake/index.js';

/** Where finalize writes the run's manifest (docs/features.md#manifest). */
export const MANIFEST_KEY = 'features/_manifest.json';

/** Folder of the per-symbol summaries. */
export const SUMMARIES_PREFIX = 'features/_summaries/';

/**
 * Where a features task leaves its symbol's summary for finalize. The leading underscore hides it
 * from Hive, Glue and Athena, which skip `_`-prefixed paths under a table location.
 */
export function symbolSummaryKey(symbol: string): string {
  return `${SUMMARIES_PREFIX}symbol=${escapeHivePathValue(symbol)}/summary.json`;
}
