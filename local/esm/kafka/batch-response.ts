import type { MSKRecord } from 'aws-lambda';
import type { InvokeOutcome } from '../retry-policy.js';

/**
 * Reads a handler's partial batch response for a Kafka batch as Lambda does for Kafka mappings
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html): each failure names
 * `{ partition: "<topic>-<partition>", offset }`; no response or an empty list is a success; an
 * identifier that is malformed or not a record of the batch fails the whole batch; otherwise the
 * batch is committed before the lowest failed record. The batch holds one partition, in offset order.
 */
export function interpretKafkaBatchResponse(
  response: unknown,
  batch: readonly MSKRecord[],
  reportBatchItemFailures: boolean,
): InvokeOutcome {
  if (!reportBatchItemFailures || response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object') return { kind: 'error' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'error' };
  if (failures.length === 0) return { kind: 'success' };

  const index = new Map(batch.map((r, i) => [`${r.topic}-${r.partition}@${r.offset}`, i]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier as
      | { partition?: unknown; offset?: unknown }
      | undefined;
    const i =
      id && typeof id === 'object' && typeof id.partition === 'string' && Number.isInteger(Number(id.offset))
        ? index.get(`${id.partition}@${Number(id.offset)}`)
        : undefined;
    if (i === undefined) return { kind: 'error' };
    lowest = Math.min(lowest, i);
  }
  return { kind: 'partial', firstFailedIndex: lowest };
}
