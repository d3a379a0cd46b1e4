/** A backfill request that cannot run; the message says what to give instead. */
export class BackfillRequestError extends Error {
  override readonly name = 'BackfillRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
