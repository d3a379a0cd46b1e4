/** Errors of the Parquet adapter; each carries the data a reader needs. */

/** The parquet-wasm module (`parquet_wasm_bg.wasm`) was found nowhere it is looked for. */
export class ParquetWasmNotFoundError extends Error {
  override readonly name = 'ParquetWasmNotFoundError';
  constructor(readonly candidates: readonly string[]) {
    super(
      `parquet_wasm_bg.wasm not found; looked at: ${candidates.join(', ')}. ` +
        'Set TICKFLOW_PARQUET_WASM to its path, or ship it beside the Lambda bundle.',
    );
  }
}

/** A Parquet file that cannot be read, or holds something the lake schemas do not allow. */
export class ParquetDecodeError extends Error {
  override readonly name = 'ParquetDecodeError';
  constructor(
    readonly reason: string,
    readonly column?: string,
  ) {
    super(column === undefined ? reason : `${column}: ${reason}`);
  }
}
