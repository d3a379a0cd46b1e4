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

/**
 * The plan after an invocation of `size` records that was planned as `planned` (the plan's head):
 * the decision's batches first, then the rest of the plan. A planned batch cut short by the 6 MB
 * payload limit keeps its remainder planned, with its retries.
 */
export function replan(
  plan: readonly PlannedBatch[],
  planned: PlannedBatch,
  size: number,
  decision: RetryDecision,
): PlannedBatch[] {
  const rest = plan.slice(1);
  if (plan.length > 0 && size < planned.size)
    rest.unshift({ size: planned.size - size, retries: planned.retries });
  return [...decision.next, ...rest];
}

/**
 * Records at the head of a batch older than the maximum record age (-1 = none): they go to the
 * on-failure destination without an invocation, as Lambda discards expired records.
 */
export function expiredAtHead(
  arrivals: readonly number[],
  maximumRecordAgeSeconds: number,
  now: number,
): number {
  if (maximumRecordAgeSeconds === -1) return 0;
  const oldestAllowed = now - maximumRecordAgeSeconds * 1000;
  let expired = 0;
  while (expired < arrivals.length && arrivals[expired]! < oldestAllowed) expired++;
  return expired;
}

/**
 * Under chaos, a failed batch is retried in a size drawn at random (from 1 to `batchSize`, at most
 * what is left), as Lambda may split a retried batch differently; the retries carried are the plan's most.
 */
export function resplitPlan(
  plan: readonly PlannedBatch[],
  left: number,
  batchSize: number,
  draw: () => number,
): PlannedBatch[] {
  if (left === 0 || plan.length === 0) return [...plan];
  const retries = Math.max(...plan.map((p) => p.retries));
  return [{ size: 1 + Math.floor(draw() * Math.min(batchSize, left)), retries }];
}
