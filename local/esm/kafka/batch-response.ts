import type { MSKRecord } from 'aws-lambda';
import { interpretItemFailures } from '../batch-response.js';
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
  const index = new Map(batch.map((r, i) => [`${r.topic}-${r.partition}@${r.offset}`, i]));
  return interpretItemFailures(response, reportBatchItemFailures, (identifier) => {
    const id = identifier as { partition?: unknown; offset?: unknown } | null | undefined;
    return id &&
      typeof id === 'object' &&
      typeof id.partition === 'string' &&
      Number.isInteger(Number(id.offset))
      ? index.get(`${id.partition}@${Number(id.offset)}`)
      : undefined;
  });
}
