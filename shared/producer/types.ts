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
   * A tick object (serialised as JSON), or raw text or bytes forwarded unchanged, byte for byte
   * (a malformed CSV row, a broken JSON demo record, a record replayed from the on-failure
   * destination) so the pipeline reads it as it was.
   */
  readonly payload: TickPayload | string | Uint8Array;
}

/** Whether a payload is a tick object (which the producer serialises and may pack), not raw text or bytes. */
export function isTickObject(payload: ProducerRecord['payload']): payload is TickPayload {
  return typeof payload === 'object' && !(payload instanceof Uint8Array);
}

/** Partition key of records that carry no usable symbol (Kinesis keys are 1–256 characters). */
export const MALFORMED_PARTITION_KEY = '_malformed';

/** The symbol as a partition key when Kinesis accepts it, else {@link MALFORMED_PARTITION_KEY}. */
export function partitionKeyFor(symbol: string | undefined): string {
  return symbol !== undefined && symbol.length >= 1 && symbol.length <= 256
    ? symbol
    : MALFORMED_PARTITION_KEY;
}
