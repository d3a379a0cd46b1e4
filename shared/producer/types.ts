/**
 * What a producer hands to the stream: one Kinesis record per value, in arrival order.
 * Pure data shared by the simulator, the CSV replay and the Kinesis publisher.
 */

/** A JSON value as it appears in a tick payload (valid or deliberately broken). */
export type PayloadValue = string | number | boolean | null;

/** A tick as a JSON object: `{ ts, symbol, price, size, id }`, possibly malformed on purpose. */
export type TickPayload = Readonly<Record<string, PayloadValue>>;

/** One record to put on the stream. */
export interface ProducerRecord {
  /** Kinesis partition key: the symbol, so each symbol keeps its order within one shard. */
  readonly partitionKey: string;
  /**
   * A tick object (serialised as JSON) or raw text forwarded unchanged, byte for byte
   * (a malformed CSV row, a broken JSON demo record) so the pipeline quarantines it with a reason.
   */
  readonly payload: TickPayload | string;
}

/** Partition key of records that carry no usable symbol (Kinesis keys are 1–256 characters). */
export const MALFORMED_PARTITION_KEY = '_malformed';

/** The symbol as a partition key when Kinesis accepts it, else {@link MALFORMED_PARTITION_KEY}. */
export function partitionKeyFor(symbol: string | undefined): string {
  return symbol !== undefined && symbol.length >= 1 && symbol.length <= 256
    ? symbol
    : MALFORMED_PARTITION_KEY;
}
