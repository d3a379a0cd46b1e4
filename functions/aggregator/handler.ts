import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { decodeKinesisRecords } from '../../shared/adapters/kinesis/records.js';
import type { AggregationService, BatchReport } from '../../shared/pipeline/aggregation-service.js';

export type AggregatorHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/**
 * The aggregator's Lambda handler: decode the Kinesis records, let the service apply them, report the
 * records to retry as partial batch failures (the event source mapping checkpoints before the lowest).
 */
export function createAggregatorHandler(
  service: AggregationService,
  onReport: (report: BatchReport) => void,
): AggregatorHandler {
  return async (event) => {
    const { failed, report } = await service.processBatch(decodeKinesisRecords(event.Records));
    onReport(report);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
