/** Errors of the lake layout and schemas. Pure data: each carries what a reader needs to act. */

/** Base class of every lake error, so callers can catch the family at once. */
export class LakeError extends Error {
  override readonly name: string = 'LakeError';
}

/** An object key (or one of its parts) that does not follow the lake's Hive layout. */
export class LakeKeyError extends LakeError {
  override readonly name = 'LakeKeyError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid lake key '${key}': ${reason}`);
  }
}

/** A row value that does not fit its column (wrong type, null in a required column, …). */
export class LakeSchemaError extends LakeError {
  override readonly name = 'LakeSchemaError';
  constructor(
    readonly schema: string,
    readonly column: string,
    readonly reason: string,
    /** Index of the offending row, when known. */
    readonly row?: number,
  ) {
    super(`${schema}.${column}${row === undefined ? '' : ` (row ${row})`}: ${reason}`);
  }
}
