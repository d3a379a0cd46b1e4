import {
  batchResponse,
  decodeStreamEvent,
  type StreamHandler,
  streamHandler,
} from '../../shared/adapters/stream-event.js';
import type { AggregationService, BatchReport } from '../../shared/pipeline/aggregation-service.js';

export type AggregatorHandler = StreamHandler;

/**
 * The aggregator's Lambda handler, for a Kinesis or a Kafka (MSK, self-managed) event source mapping:
 * decode the records, let the service apply them, report the records to retry as partial batch
 * failures (the event source mapping checkpoints before the lowest, per shard or partition).
 */
export function createAggregatorHandler(
  service: AggregationService,
  onReport: (report: BatchReport) => void,
): AggregatorHandler {
  return streamHandler(async (event) => {
    const { failed, report } = await service.processBatch(decodeStreamEvent(event));
    onReport(report);
    return batchResponse(event, failed);
  });
}
