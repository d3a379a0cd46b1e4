/**
 * Kinesis Data Streams' billing units (aws.amazon.com/kinesis/data-streams/pricing/):
 * - provisioned mode bills shard-hours and PUT payload units, one per started 25 KB of each record
 *   (a 5 KB record is one unit, 45 KB two, 1 MB 40); GetRecords costs nothing there;
 * - on-demand mode bills stream-hours and GB written and read, each record rounded up to 1 KiB.
 * A record's size is its data blob plus its partition key.
 */

/** 25 KB of 1,024 bytes. The page's "1 MB record is 40 units" takes 1 MB as 1,000 KB; 1 MiB is 41. */
export const PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

export function putPayloadUnits(recordBytes: number): number {
  return Math.max(1, Math.ceil(recordBytes / PUT_PAYLOAD_UNIT_BYTES));
}

/** Bytes an on-demand stream bills for one record written: rounded up to the next KiB. */
export function onDemandBilledBytes(recordBytes: number): number {
  return Math.max(1, Math.ceil(recordBytes / 1024)) * 1024;
}

/** Shard-hours of `shards` provisioned shards for `ms` of wall time. */
export function shardHours(shards: number, ms: number): number {
  return (shards * ms) / 3_600_000;
}
