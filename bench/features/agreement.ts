import type { DuckDBConnection } from '@duckdb/node-api';
import type { FeatureFrame } from '../../shared/domain/features/index.js';
import { readColumns } from '../harness/duckdb.js';
import { BenchDisagreementError } from '../harness/errors.js';
import { SQL_FEATURES } from './features-sql.js';

/** The agreement bar of the features suite: 1e-9 relative (see {@link featureValuesAgree}). */
export const FEATURE_TOLERANCE = 1e-9;
/** Below this magnitude a difference counts in absolute terms: sums of returns that cancel to ~0. */
const ABSOLUTE_FLOOR = 1e-15;

export interface FeatureAgreement {
  readonly rows: number;
  readonly values: number;
  /** Largest |ours − sql| / max(|ours|, |sql|) seen over non-null pairs. */
  readonly maxRelativeDifference: number;
}

/**
 * Compares our frames with the SQL table row by row: same grid (window_start, filled, forward-filled
 * close), nulls in the same places, and every common feature within 1e-9 relative. Throws
 * {@link BenchDisagreementError} at the first difference.
 */
export async function checkFeaturesAgree(
  suite: string,
  frames: readonly FeatureFrame[],
  connection: DuckDBConnection,
  table = 'sql_features',
): Promise<FeatureAgreement> {
  let rows = 0;
  let values = 0;
  let maxRelativeDifference = 0;
  for (const frame of frames) {
    const { grid } = frame;
    const sql = await readColumns(
      connection,
      `SELECT window_start, filled, close, ${SQL_FEATURES.join(', ')} FROM ${table}
       WHERE symbol = '${grid.symbol}' ORDER BY window_start`,
    );
    const length = sql.window_start!.length;
    if (length !== grid.length)
      throw new BenchDisagreementError(suite, 'grid rows', grid.symbol, grid.length, length);
    for (let i = 0; i < length; i++) {
      const key = `${grid.symbol} row ${i}`;
      if (Number(sql.window_start![i]) !== grid.windowStart[i]) {
        throw new BenchDisagreementError(
          suite,
          'window_start',
          key,
          grid.windowStart[i],
          sql.window_start![i],
        );
      }
      if (sql.filled![i] !== (grid.filled[i] === 1)) {
        throw new BenchDisagreementError(suite, 'filled', key, grid.filled[i], sql.filled![i]);
      }
      if (sql.close![i] !== grid.close[i])
        throw new BenchDisagreementError(suite, 'close', key, grid.close[i], sql.close![i]);
      for (const name of SQL_FEATURES) {
        const ours = frame.features[name][i]!;
        const theirs = sql[name]![i] as number | null;
        if (Number.isNaN(ours) || theirs === null) {
          if (!(Number.isNaN(ours) && theirs === null))
            throw new BenchDisagreementError(suite, name, key, ours, theirs);
          continue;
        }
        const difference = Math.abs(ours - theirs);
        const scale = Math.max(Math.abs(ours), Math.abs(theirs));
        if (difference > FEATURE_TOLERANCE * scale && difference > ABSOLUTE_FLOOR) {
          throw new BenchDisagreementError(suite, name, key, ours, theirs);
        }
        if (scale > 0) maxRelativeDifference = Math.max(maxRelativeDifference, difference / scale);
        values++;
      }
    }
    rows += length;
  }
  return { rows, values, maxRelativeDifference };
}
