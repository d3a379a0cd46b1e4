/** Base class of the benchmark's own errors. */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Ours and the reference computed different results: a speed ratio between them would mean nothing,
 * so the run stops. `what` names the quantity, `key` the row (e.g. `BTC-USDT 1m 1704153600000`).
 */
export class BenchDisagreementError extends BenchError {
  constructor(
    readonly suite: string,
    readonly what: string,
    readonly key: string,
    readonly ours: unknown,
    readonly reference: unknown,
  ) {
    super(
      `${suite}: ours and the reference disagree on ${what} at ${key}: ours ${String(ours)}, reference ${String(reference)}`,
    );
  }
}

/** The workload does not have the shape the comparison relies on (e.g. late ticks where none may be). */
export class BenchWorkloadError extends BenchError {
  constructor(
    readonly suite: string,
    readonly reason: string,
  ) {
    super(`${suite}: ${reason}`);
  }
}
