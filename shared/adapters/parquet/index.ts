export type { LakeColumns } from './arrow-columns.js';
export { type DecodedRow, decodeParquet } from './decode.js';
export { DEFAULT_ROW_GROUP_ROWS, encodeParquet, type ParquetWriteOptions } from './encode.js';
export * from './errors.js';
export { inspectParquet, type ParquetColumnFacts, type ParquetFacts, parquetFooter } from './inspect.js';
export { ensureParquetWasm, parquetWasmCandidates } from './wasm.js';
