/** Errors of the serving store (Cassandra locally, Amazon Keyspaces in AWS). */

export class ServingStoreError extends Error {
  override readonly name: string = 'ServingStoreError';
}

/** The configuration cannot produce a working client (says which field and why). */
export class InvalidServingConfigError extends ServingStoreError {
  override readonly name = 'InvalidServingConfigError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid serving-store config: ${field}: ${reason}`);
  }
}

/** A read asked for something the table cannot answer (bad range, limit, …). */
export class InvalidBarQueryError extends ServingStoreError {
  override readonly name = 'InvalidBarQueryError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid bar query: ${field}: ${reason}`);
  }
}

/** A write still failed after every retry; `attempts` says how many were made. */
export class ServingWriteError extends ServingStoreError {
  override readonly name = 'ServingWriteError';
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `serving-store write failed after ${attempts} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
