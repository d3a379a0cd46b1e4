/** Errors of the bronze layer (staging and compaction); each carries what an operator needs to act. */

/** Base class of every bronze error, so callers can catch the family at once. */
export class BronzeError extends Error {
  override readonly name: string = 'BronzeError';
}

/**
 * A staged object that cannot be turned back into ticks (not Parquet, a missing or mistyped column, an
 * event time the lake cannot partition). The compactor leaves it in place, reports it and goes on, so
 * one bad object never blocks the others.
 */
export class UnreadableStagedObjectError extends BronzeError {
  override readonly name = 'UnreadableStagedObjectError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`staged object '${key}' is unreadable: ${reason}`);
  }
}

/**
 * A compacted tick file of the lake that cannot be read. Compaction of its hour stops (it throws) rather
 * than overwrite rows it could not read.
 */
export class UnreadableTickFileError extends BronzeError {
  override readonly name = 'UnreadableTickFileError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`tick file '${key}' is unreadable: ${reason}`);
  }
}
