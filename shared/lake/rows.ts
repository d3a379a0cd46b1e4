/**
 * Domain values → lake rows (snake_case columns of {@link BARS_SCHEMA} and friends). Partition values
 * (symbol, interval, date) are not in the rows: they go into the key.
 */

import type { Bar, LateTick, QuarantinedRecord, Tick, TickOrigin } from '../domain/types.js';
import type { LakeRow } from './schemas.js';

/** One row of `bars/…` for a final bar. */
export function barRow(bar: Bar): LakeRow {
  return {
    window_start: bar.windowStart,
    window_end: bar.windowEnd,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    vwap: bar.vwap,
    trade_count: bar.tradeCount,
  };
}

function originColumns(origin: TickOrigin): LakeRow {
  return {
    arrival_time: origin.arrivalTime,
    shard_id: origin.shardId,
    sequence_number: origin.sequenceNumber,
    sub_index: origin.subIndex,
  };
}

/** One row of `ticks/…` (bronze). */
export function tickRow(tick: Tick, origin: TickOrigin): LakeRow {
  return { ts: tick.ts, price: tick.price, size: tick.size, id: tick.id ?? null, ...originColumns(origin) };
}

/** One row of `late/interval=<late.interval>/…`. */
export function lateTickRow(late: LateTick, origin: TickOrigin): LakeRow {
  const { tick } = late;
  return {
    ts: tick.ts,
    price: tick.price,
    size: tick.size,
    id: tick.id ?? null,
    watermark: late.watermark,
    ...originColumns(origin),
  };
}

/** One row of `quarantine/…`. */
export function quarantineRow(record: QuarantinedRecord, origin: TickOrigin): LakeRow {
  return { raw: record.raw, reason: record.reason, field: record.field ?? null, ...originColumns(origin) };
}
