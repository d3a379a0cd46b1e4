/**
 * One run at a time for a scheduled job (the bronze compactor, the lake materializer): two runs that
 * rewrite the same file at once can lose rows, and neither EventBridge nor Lambda's asynchronous
 * invocation promises a single delivery. A run takes a lease that expires on its own, so a run that
 * dies holding it blocks the job for at most its own timeout.
 */
export interface RunLease {
  /** Takes the lease `name` for `holder` until `untilMs` (epoch ms) if it is free or expired; false otherwise. */
  acquire(name: string, holder: string, untilMs: number): Promise<boolean>;
  /** Gives the lease back if `holder` still holds it. */
  release(name: string, holder: string): Promise<void>;
}

export type LeasedRun<T> = { readonly ran: true; readonly result: T } | { readonly ran: false };

/**
 * Runs `run` holding the lease `name` for `holder` until `untilMs`, or returns `{ ran: false }` at once
 * when another run holds it. The lease is released after `run` settles, also when it throws.
 *
 * @example await runExclusively(lease, 'compactor', invocationId, Date.now() + remainingMs, () => compactor.run())
 */
export async function runExclusively<T>(
  lease: RunLease,
  name: string,
  holder: string,
  untilMs: number,
  run: () => Promise<T>,
): Promise<LeasedRun<T>> {
  if (!(await lease.acquire(name, holder, untilMs))) return { ran: false };
  try {
    return { ran: true, result: await run() };
  } finally {
    await lease.release(name, holder);
  }
}
