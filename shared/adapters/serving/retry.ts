import { setTimeout as sleep } from 'node:timers/promises';
import cassandra from 'cassandra-driver';
import { ServingWriteError } from './errors.js';

/**
 * Retries with exponential backoff and full jitter for the failures that mean "try again later":
 * write/read timeouts, unavailable and overloaded replicas, Keyspaces throttling (a ServerError about
 * capacity), a bootstrapping node, a client-side timeout, no host reachable. Every statement the store
 * runs is idempotent, so a retry after an unknown outcome is safe. The driver's own retry policy runs
 * first (one immediate retry on another host); this adds the waiting that lets capacity recover.
 */
export interface BackoffPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 2_000 };

const codes = cassandra.types.responseErrorCodes;
const TRANSIENT_CODES = new Set<number>([
  codes.writeTimeout,
  codes.readTimeout,
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
]);

/** Whether an error from the driver is worth retrying after a pause. */
export function isTransient(err: unknown): boolean {
  if (err instanceof cassandra.errors.OperationTimedOutError) return true;
  if (err instanceof cassandra.errors.NoHostAvailableError) return true;
  if (err instanceof cassandra.errors.ResponseError) {
    if (TRANSIENT_CODES.has(err.code)) return true;
    return err.code === codes.serverError && /throttl|capacity|rate exceeded/i.test(err.message);
  }
  return false;
}

/** Delay before retry number `attempt` (1-based): uniform in [0, min(max, base·2^(attempt−1))]. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/** Runs `write`, retrying transient failures; throws ServingWriteError once the attempts are spent. */
export async function withBackoff<T>(
  write: () => Promise<T>,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  pause: (ms: number) => Promise<unknown> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isTransient(err) || attempt >= policy.maxAttempts) throw new ServingWriteError(attempt, err);
      await pause(backoffDelay(attempt, policy));
    }
  }
}
