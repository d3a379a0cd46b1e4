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
  const indexBySequence = new Map(batch.map((r, i) => [r.event.kinesis.sequenceNumber, i]));
  return interpretItemFailures(response, reportBatchItemFailures, (id) =>
    typeof id === 'string' ? indexBySequence.get(id) : undefined,
  );
}

/**
 * The envelope Lambda reads for every stream kind: no response, an empty object, or a null/empty
 * `batchItemFailures` list is a success; anything else not an array, or an `itemIdentifier` that
 * `indexOf` cannot place in the batch, fails the whole batch; otherwise the batch is checkpointed
 * before the lowest failed record. `indexOf` maps one `itemIdentifier` to its index in the batch.
 */
export function interpretItemFailures(
  response: unknown,
  reportBatchItemFailures: boolean,
  indexOf: (itemIdentifier: unknown) => number | undefined,
): InvokeOutcome {
  if (!reportBatchItemFailures || response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object') return { kind: 'error' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'error' };
  if (failures.length === 0) return { kind: 'success' };

  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const index = indexOf((failure as { itemIdentifier?: unknown } | null)?.itemIdentifier);
    if (index === undefined) return { kind: 'error' };
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', firstFailedIndex: lowest };
}
