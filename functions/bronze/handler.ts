import { decodeStreamEvent, type StreamHandler, streamHandler } from '../../shared/adapters/stream-event.js';
import type { BronzeBatchReport, BronzeWriter } from '../../shared/pipeline/bronze/bronze-writer.js';

export type BronzeHandler = StreamHandler;

export interface BronzeHandlerDeps {
  readonly writer: BronzeWriter;
  /** Told about every staged batch (metrics, the local run's totals). */
  readonly onReport?: (report: BronzeBatchReport) => void;
}

/**
 * The bronze consumer's Lambda handler (Kinesis or Kafka): decode the records, stage the batch's valid ticks, report no
 * item failures. A failed write throws, so the event source mapping retries (or bisects) the batch.
 */
export function createBronzeHandler(deps: BronzeHandlerDeps): BronzeHandler {
  return streamHandler(async (event) => {
    const report = await deps.writer.writeBatch(decodeStreamEvent(event));
    deps.onReport?.(report);
    return { batchItemFailures: [] };
  });
}
