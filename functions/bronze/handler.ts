import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { decodeKinesisRecords } from '../../shared/adapters/kinesis/records.js';
import type { BronzeBatchReport, BronzeWriter } from '../../shared/pipeline/bronze/bronze-writer.js';

export type BronzeHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

export interface BronzeHandlerDeps {
  readonly writer: BronzeWriter;
  /** Told about every staged batch (metrics, the local run's totals). */
  readonly onReport?: (report: BronzeBatchReport) => void;
}

/**
 * The bronze consumer's Lambda handler: decode the records, stage the batch's valid ticks, report no
 * item failures. A failed write throws, so the event source mapping retries (or bisects) the batch.
 */
export function createBronzeHandler(deps: BronzeHandlerDeps): BronzeHandler {
  return async (event) => {
    const report = await deps.writer.writeBatch(decodeKinesisRecords(event.Records));
    deps.onReport?.(report);
    return { batchItemFailures: [] };
  };
}
