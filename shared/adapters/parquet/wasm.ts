/**
 * Loads parquet-wasm's WebAssembly module synchronously, once per process (Lambda: once per cold start).
 *
 * Where `parquet_wasm_bg.wasm` (≈ 5 MB) is looked for, in order:
 * 1. `$TICKFLOW_PARQUET_WASM` (an explicit path);
 * 2. `$LAMBDA_TASK_ROOT/parquet_wasm_bg.wasm` (a Lambda bundle, CJS or ESM);
 * 3. beside the running module (an esbuild bundle run anywhere);
 * 4. `node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm` (source runs: tsx, vitest).
 *
 * A NodejsFunction that writes Parquet must therefore copy the file into its bundle, e.g.
 * `bundling: { format: OutputFormat.ESM, commandHooks: { afterBundling: (i, o) =>
 *   [`cp ${i}/node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm ${o}/`], beforeBundling: () => [],
 *   beforeInstall: () => [] } }`.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync } from 'parquet-wasm/esm';
import { ParquetWasmNotFoundError } from './errors.js';

const WASM_FILE = 'parquet_wasm_bg.wasm';
let loaded = false;

/** Paths where the module is looked for, in order (see the module comment). */
export function parquetWasmCandidates(): string[] {
  const candidates: string[] = [];
  if (process.env.TICKFLOW_PARQUET_WASM) candidates.push(process.env.TICKFLOW_PARQUET_WASM);
  if (process.env.LAMBDA_TASK_ROOT) candidates.push(join(process.env.LAMBDA_TASK_ROOT, WASM_FILE));
  const here = typeof import.meta.url === 'string' ? import.meta.url : undefined;
  if (here !== undefined) {
    candidates.push(join(dirname(fileURLToPath(here)), WASM_FILE));
    try {
      candidates.push(createRequire(here).resolve(`parquet-wasm/esm/${WASM_FILE}`));
    } catch {
      // not installed beside this module (a bundle): the other candidates apply
    }
  }
  return candidates;
}

/** Instantiates parquet-wasm if it is not yet; throws {@link ParquetWasmNotFoundError} when the file is missing. */
export function ensureParquetWasm(): void {
  if (loaded) return;
  const candidates = parquetWasmCandidates();
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined) throw new ParquetWasmNotFoundError(candidates);
  initSync({ module: readFileSync(path) });
  loaded = true;
}
