import { FEATURE_NAMES, type FeatureName, TRAIN_FRACTION, VALIDATION_END_FRACTION } from '../constants.js';
import { FeatureError } from '../errors.js';
import { SPLITS, type SplitName } from '../split/assign.js';
import type { SplitBoundaries } from '../split/boundaries.js';
import type { SymbolSummary } from './symbol-summary.js';

/** `features/_manifest.json` (docs/features.md#manifest): pure data, JSON-serialisable as it is. */
export interface FeaturesManifest {
  readonly interval: string;
  readonly stepMs: number;
  /** The requested range of window starts, epoch ms and ISO-8601 UTC. */
  readonly range: {
    readonly from: number;
    readonly to: number;
    readonly fromIso: string;
    readonly toIso: string;
  };
  readonly split: {
    readonly rule: string;
    readonly trainFraction: number;
    readonly validationEndFraction: number;
    /** null when no symbol kept any row. */
    readonly boundaries: {
      readonly totalRows: number;
      readonly trainEnd: number;
      readonly validationEnd: number;
      readonly trainEndIso: string;
      readonly validationEndIso: string;
    } | null;
  };
  readonly warmupRowsPerSymbol: number;
  readonly features: readonly FeatureName[];
  readonly totals: {
    readonly symbols: number;
    readonly gridRows: number;
    readonly warmupRows: number;
    readonly rows: Readonly<Record<SplitName, number>>;
    readonly filledRows: Readonly<Record<'warmup' | SplitName, number>>;
  };
  /** Per symbol, sorted by symbol: counts and train-only mean/std of every feature. */
  readonly symbols: readonly SymbolSummary[];
}

/** Input of `buildManifest`: what the prepare step decided and what each symbol task reported. */
export interface ManifestInput {
  readonly interval: string;
  readonly stepMs: number;
  readonly range: { readonly from: number; readonly to: number };
  readonly warmupRowsPerSymbol: number;
  readonly boundaries: SplitBoundaries | null;
  readonly symbols: readonly SymbolSummary[];
}

/** Two summaries for one symbol reached the finalize step. */
export class DuplicateSymbolSummaryError extends FeatureError {
  constructor(readonly symbol: string) {
    super(`two summaries for symbol "${symbol}"`, { symbol });
  }
}

/** The summed rows of the symbols disagree with the boundaries' N: a symbol task used other boundaries or data. */
export class ManifestCountMismatchError extends FeatureError {
  constructor(
    readonly expectedRows: number,
    readonly summedRows: number,
  ) {
    super(`boundaries were computed over ${expectedRows} rows but the symbols hold ${summedRows}`, {
      expectedRows,
      summedRows,
    });
  }
}

/**
 * Assembles the features manifest from the per-symbol summaries. Deterministic: symbols sorted,
 * totals summed. Checks that the split rows add up to the N the boundaries were computed on.
 */
export function buildManifest(input: ManifestInput): FeaturesManifest {
  const symbols = [...input.symbols].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (let i = 1; i < symbols.length; i++) {
    if (symbols[i]!.symbol === symbols[i - 1]!.symbol)
      throw new DuplicateSymbolSummaryError(symbols[i]!.symbol);
  }
  const rows = { train: 0, val: 0, test: 0 };
  const filledRows = { warmup: 0, train: 0, val: 0, test: 0 };
  let gridRows = 0;
  let warmupRows = 0;
  for (const s of symbols) {
    gridRows += s.gridRows;
    warmupRows += s.warmupRows;
    filledRows.warmup += s.filledRows.warmup;
    for (const split of SPLITS) {
      rows[split] += s.rows[split];
      filledRows[split] += s.filledRows[split];
    }
  }
  const summed = rows.train + rows.val + rows.test;
  const b = input.boundaries;
  if (summed !== (b?.totalRows ?? 0)) throw new ManifestCountMismatchError(b?.totalRows ?? 0, summed);
  return {
    interval: input.interval,
    stepMs: input.stepMs,
    range: { ...input.range, fromIso: iso(input.range.from), toIso: iso(input.range.to) },
    split: {
      rule: 'rows of all symbols sorted by window_start; b1 at ⌊0.70·N⌋, b2 at ⌊0.85·N⌋; train t < b1, val b1 ≤ t < b2, test t ≥ b2',
      trainFraction: TRAIN_FRACTION,
      validationEndFraction: VALIDATION_END_FRACTION,
      boundaries: b && { ...b, trainEndIso: iso(b.trainEnd), validationEndIso: iso(b.validationEnd) },
    },
    warmupRowsPerSymbol: input.warmupRowsPerSymbol,
    features: FEATURE_NAMES,
    totals: { symbols: symbols.length, gridRows, warmupRows, rows, filledRows },
    symbols,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
