/**
 * The CQL the serving store runs, all prepared. Why final and forming bars are written differently:
 * - a final bar is an unconditional INSERT (idempotent: the same bar always carries the same values),
 *   sent in unlogged batches of ≤ 30 rows of one partition;
 * - a forming bar is an `UPDATE … IF is_final != true` (a lightweight transaction), so it can never
 *   overwrite a final bar, whatever order the writes arrive in. Conditions are also true for a row
 *   that does not exist yet, so the first forming write creates the row.
 */

const VALUE_COLUMNS = 'window_end, open, high, low, close, volume, vwap, trade_count, is_final, updated_at';

export function upsertFinalCql(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table} (symbol, interval, day, window_start, ${VALUE_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?) USING TTL ?`;
}

export function upsertFormingCql(keyspace: string, table: string): string {
  return `UPDATE ${keyspace}.${table} USING TTL ?
    SET window_end = ?, open = ?, high = ?, low = ?, close = ?, volume = ?, vwap = ?, trade_count = ?,
        is_final = false, updated_at = ?
    WHERE symbol = ? AND interval = ? AND day = ? AND window_start = ?
    IF is_final != true`;
}

export function selectDayCql(keyspace: string, table: string): string {
  return `SELECT window_start, ${VALUE_COLUMNS} FROM ${keyspace}.${table}
    WHERE symbol = ? AND interval = ? AND day = ? AND window_start >= ? AND window_start < ?`;
}
