import {
  buildManifest,
  type FeaturesManifest,
  keptRowTimes,
  SPLITS,
  type SymbolSummary,
  WARMUP_ROWS,
} from '../../domain/features/index.js';
import { parsePartitionPath, partitionPrefix } from '../../lake/index.js';
import type { ParquetLake } from '../ports.js';
import { MissingSymbolSummaryError } from './errors.js';
import { MANIFEST_KEY, SUMMARIES_PREFIX, symbolSummaryKey } from './summary-keys.js';
import type { FailedSymbol, FinalizeInput, PreprocessOutcome, StoredSymbolSummary } from './types.js';

/** `features/_manifest.json` as written: the domain manifest plus the run's outcome. */
export interface WrittenManifest extends FeaturesManifest {
  readonly status: PreprocessOutcome['status'];
  /** Symbols without features in this run (failed tasks, unreadable bars), with their errors. */
  readonly failedSymbols: readonly FailedSymbol[];
  /** Rows the failed symbols would have kept: counted in the boundaries' N, absent from the splits. */
  readonly failedRows: number;
}

/**
 * The finalize step: gathers the summaries of the symbols that succeeded, records the failed ones
 * (from the Map's Catch results and from prepare), writes `features/_manifest.json` and removes
 * feature files of any symbol that is not part of this run's result, so `features/` holds exactly
 * what the manifest describes. Returns the run's status.
 */
export async function finalizeRun(store: ParquetLake, input: FinalizeInput): Promise<PreprocessOutcome> {
  const summaries: SymbolSummary[] = [];
  const failed: FailedSymbol[] = [...input.unreadable];
  for (const result of input.results) {
    if (result.ok) summaries.push(await readSummary(store, result.symbol));
    else failed.push({ symbol: result.symbol, error: result.error, cause: readableCause(result.cause) });
  }
  failed.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const failedRows = keptRowsOf(input, new Set(failed.map((f) => f.symbol)));
  const b = input.boundaries;
  // The boundaries' N counts every listed symbol; the manifest's count check runs on the ones written.
  const manifest = buildManifest({
    interval: input.interval,
    stepMs: input.stepMs,
    range: input.range,
    warmupRowsPerSymbol: WARMUP_ROWS,
    boundaries: b && { ...b, totalRows: b.totalRows - failedRows },
    symbols: summaries,
  });
  const status = failed.length === 0 ? 'SUCCEEDED' : summaries.length > 0 ? 'PARTIAL' : 'FAILED';
  const written: WrittenManifest = {
    ...manifest,
    split: {
      ...manifest.split,
      boundaries: manifest.split.boundaries && { ...manifest.split.boundaries, totalRows: b!.totalRows },
    },
    status,
    failedSymbols: failed,
    failedRows,
  };
  await removeOtherSymbols(store, new Set(summaries.map((s) => s.symbol)));
  await store.put(
    MANIFEST_KEY,
    new TextEncoder().encode(`${JSON.stringify(written, null, 2)}\n`),
    'application/json',
  );
  return {
    status,
    manifestKey: MANIFEST_KEY,
    interval: input.interval,
    symbols: summaries.length,
    rows: manifest.totals.rows,
    failedSymbols: failed,
  };
}

async function readSummary(store: ParquetLake, symbol: string): Promise<SymbolSummary> {
  const key = symbolSummaryKey(symbol);
  const bytes = await store.get(key);
  if (bytes === undefined) throw new MissingSymbolSummaryError(symbol, key);
  return (JSON.parse(new TextDecoder().decode(bytes)) as StoredSymbolSummary).summary;
}

/** Kept (post-warm-up) rows of the listed symbols among `symbols`, from their spans. */
function keptRowsOf(input: FinalizeInput, symbols: ReadonlySet<string>): number {
  let rows = 0;
  for (const span of input.symbols) {
    if (!symbols.has(span.symbol)) continue;
    const kept = keptRowTimes(span, input.stepMs);
    if (kept.kind === 'grid') rows += kept.count;
  }
  return rows;
}

/** Deletes feature files and summaries of every symbol not in `keep` (failed, or gone from the lake). */
async function removeOtherSymbols(store: ParquetLake, keep: ReadonlySet<string>): Promise<void> {
  for (const split of SPLITS) {
    for (const key of await store.list(partitionPrefix('features', { split }))) {
      if (!keep.has(parsePartitionPath(key).partition.symbol!)) await store.delete(key);
    }
  }
  const summaries = new Set([...keep].map(symbolSummaryKey));
  for (const key of await store.list(SUMMARIES_PREFIX)) {
    if (!summaries.has(key)) await store.delete(key);
  }
}

/** Lambda's Cause is a JSON document (`errorType`, `errorMessage`, `trace`): keep its message. */
function readableCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}
