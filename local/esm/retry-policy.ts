/**
 * What Lambda does after an invocation of a Kinesis batch, as a pure function
 * (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html):
 * - success: checkpoint the whole batch;
 * - partial batch response: checkpoint before the lowest failed record and retry from there (one retry);
 * - function error with bisect: split in two halves, each retried separately; splitting uses no retry quota;
 * - function error without bisect (or a batch of one): retry the same batch;
 * - retries beyond `maximumRetryAttempts` (-1 = never): discard the records to the on-failure destination.
 */

/** A batch still to be (re)delivered from the head of a lane: its size and the retries it has used. */
export interface PlannedBatch {
  readonly size: number;
  readonly retries: number;
}

export type InvokeOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'error' }
  /** `firstFailedIndex`: index in the batch of the record with the lowest failed sequence number. */
  | { readonly kind: 'partial'; readonly firstFailedIndex: number };

export interface RetryDecision {
  /** Records at the head that are done (processed). */
  readonly checkpoint: number;
  /** Records after those that are discarded to the destination (RetryAttemptsExhausted). */
  readonly discard: number;
  /** Batches that replace the one just invoked, in delivery order. */
  readonly next: readonly PlannedBatch[];
  readonly bisected: boolean;
}

export interface RetryPolicy {
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 = infinite. */
  readonly maximumRetryAttempts: number;
}

export function decideAfterInvoke(
  batch: PlannedBatch,
  outcome: InvokeOutcome,
  policy: RetryPolicy,
): RetryDecision {
  if (outcome.kind === 'success') return { checkpoint: batch.size, discard: 0, next: [], bisected: false };
  const done = outcome.kind === 'partial' ? outcome.firstFailedIndex : 0;
  const remaining = batch.size - done;
  if (outcome.kind === 'error' && policy.bisectBatchOnFunctionError && remaining > 1) {
    const firstHalf = Math.ceil(remaining / 2);
    return {
      checkpoint: 0,
      discard: 0,
      next: [
        { size: firstHalf, retries: batch.retries },
        { size: remaining - firstHalf, retries: batch.retries },
      ],
      bisected: true,
    };
  }
  const retries = batch.retries + 1;
  if (policy.maximumRetryAttempts !== -1 && retries > policy.maximumRetryAttempts) {
    return { checkpoint: done, discard: remaining, next: [], bisected: false };
  }
  return { checkpoint: done, discard: 0, next: [{ size: remaining, retries }], bisected: false };
}
