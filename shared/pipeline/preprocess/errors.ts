/** Base of every error of the preprocess tasks; `data` carries what a reader needs to act. */
export class PreprocessError extends Error {
  constructor(
    message: string,
    readonly data: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The execution input (or a task's input) has a field the tasks cannot use. */
export class InvalidPreprocessInputError extends PreprocessError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`preprocess input ${field} = ${JSON.stringify(value)}: expected ${expected}`, {
      field,
      value,
      expected,
    });
  }
}

/** A symbol's bars Parquet file cannot be read (corrupt, truncated, or not the bars schema). */
export class UnreadableBarsError extends PreprocessError {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`cannot read bars file ${key}: ${reason}`, { key, reason });
  }
}

/** The finalize step found no summary for a symbol whose features task reported success. */
export class MissingSymbolSummaryError extends PreprocessError {
  constructor(
    readonly symbol: string,
    readonly key: string,
  ) {
    super(`features task of "${symbol}" succeeded but ${key} is missing`, { symbol, key });
  }
}
