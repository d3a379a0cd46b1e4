import type { DuckDBConnection } from '@duckdb/node-api';
import type { Bar } from '../../shared/domain/types.js';
import { assertSameBars } from '../harness/bar-agreement.js';
import { readRows } from '../harness/duckdb.js';

/**
 * Checks that the SQL bars in `table` are exactly ours (see {@link assertSameBars}); returns how
 * many bars were compared.
 */
export async function checkBarsAgree(
  suite: string,
  ours: readonly Bar[],
  connection: DuckDBConnection,
  table = 'sql_bars',
): Promise<number> {
  const rows = await readRows(
    connection,
    `SELECT symbol, interval, window_start, window_end, open, high, low, close, volume, vwap, trade_count FROM ${table}`,
  );
  const reference: Bar[] = rows.map((row) => ({
    symbol: String(row.symbol),
    interval: String(row.interval),
    windowStart: Number(row.window_start),
    windowEnd: Number(row.window_end),
    open: Number(row.open),
    high: Number(row.high),
    low: Number(row.low),
    close: Number(row.close),
    volume: Number(row.volume),
    vwap: row.vwap === null ? null : Number(row.vwap),
    tradeCount: Number(row.trade_count),
  }));
  return assertSameBars(suite, ours, reference);
}
