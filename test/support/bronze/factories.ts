import type { OriginTick } from '../../../shared/pipeline/ports.js';
import type { DecodedRecord } from '../../../shared/pipeline/record-decoder.js';

export const T0 = Date.UTC(2024, 0, 2, 13, 5);

/** A bronze tick with its origin; every field can be overridden. */
export function originTick(
  over: { symbol?: string; ts?: number; price?: number; size?: number; id?: string } = {},
  origin: { shardId?: string; sequenceNumber?: string; subIndex?: number; arrivalTime?: number } = {},
): OriginTick {
  const base = {
    symbol: over.symbol ?? 'BTC-USD',
    ts: over.ts ?? T0,
    price: over.price ?? 100,
    size: over.size ?? 1,
  };
  return {
    tick: over.id === undefined ? base : { ...base, id: over.id },
    origin: {
      shardId: origin.shardId ?? 'shardId-000000000000',
      sequenceNumber: origin.sequenceNumber ?? '49590000000000000000000000000000000000000000000000000001',
      subIndex: origin.subIndex ?? 0,
      arrivalTime: origin.arrivalTime ?? T0 + 250,
    },
  };
}

/** A decoded Kinesis record carrying the given payload texts. */
export function record(
  sequenceNumber: string,
  payloads: string[],
  shardId = 'shardId-000000000000',
): DecodedRecord {
  return { shardId, sequenceNumber, arrivalTime: T0 + 1000, payloads };
}

/** A sequence number of the usual 56-digit shape, numbered by n. */
export function seq(n: number): string {
  return `4959${String(n).padStart(52, '0')}`;
}
