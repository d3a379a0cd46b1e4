import type { DeliverableRecord } from './events.js';
import type { InvokeOutcome } from './retry-policy.js';

/**
 * Reads a handler's partial batch response the way Lambda does
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html):
 * no response, an empty object, or a null/empty `batchItemFailures` list is a complete success; an
 * `itemIdentifier` that is empty, null, misnamed or not a sequence number of the batch makes the whole
 * batch a failure; otherwise the checkpoint is the lowest failed sequence number.
 */
export function interpretBatchResponse(
  response: unknown,
  batch: readonly DeliverableRecord[],
  reportBatchItemFailures: boolean,
): InvokeOutcome {
  if (!reportBatchItemFailures || response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object') return { kind: 'error' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'error' };
  if (failures.length === 0) return { kind: 'success' };

  const indexBySequence = new Map(batch.map((r, i) => [r.event.kinesis.sequenceNumber, i]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' ? indexBySequence.get(id) : undefined;
    if (index === undefined) return { kind: 'error' };
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', firstFailedIndex: lowest };
}
