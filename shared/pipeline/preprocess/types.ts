import type { SplitBoundaries, SplitName, SymbolSummary } from '../../domain/features/index.js';

/**
 * The execution input of the preprocess state machine. Every field is optional: the whole lake
 * of interval `1m` by default. `from`/`to` bound the bars' window_start, both inclusive: an ISO
 * date (`2024-01-02`; as `to` it means the end of that day), an ISO instant, or epoch ms.
 */
export interface PreprocessRequest {
  readonly interval?: string;
  readonly from?: string | number;
  readonly to?: string | number;
}

/** Inclusive window_start bounds, epoch ms. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** One symbol's first and last bar (window_start, epoch ms) of the interval inside the range. */
export interface SymbolSpan {
  readonly symbol: string;
  readonly first: number;
  readonly last: number;
}

/** A symbol that did not produce features, with the error that stopped it (from a Catch, or prepare). */
export interface FailedSymbol {
  readonly symbol: string;
  readonly error: string;
  readonly cause: string;
}

/** Output of the prepare task, and the shared part of every symbol task's input. */
export interface PreparedRun {
  readonly interval: string;
  readonly stepMs: number;
  readonly range: TimeRange;
  /** Global split instants over every listed symbol's kept rows; null when none keeps a row. */
  readonly boundaries: SplitBoundaries | null;
  /** Symbols with at least one bar in the range, sorted: the Map runs over these. */
  readonly symbols: readonly SymbolSpan[];
  /** Symbols whose bars could not even be listed or read at prepare time (not in the boundaries). */
  readonly unreadable: readonly FailedSymbol[];
}

/** Input of one features task: what the Map's ItemSelector builds from the run and one symbol. */
export interface SymbolTaskInput {
  readonly interval: string;
  readonly stepMs: number;
  readonly range: TimeRange;
  readonly boundaries: SplitBoundaries | null;
  readonly symbol: string;
  readonly first: number;
  readonly last: number;
}

/**
 * What a features task returns into the Map's results: small on purpose (Step Functions caps a
 * state's payload at 256 KB); the full summary with train statistics goes to the lake.
 */
export interface SymbolTaskSucceeded {
  readonly symbol: string;
  readonly ok: true;
  readonly rows: Readonly<Record<SplitName, number>>;
  readonly summaryKey: string;
  readonly files: readonly string[];
}

/** What the Map's Catch branch records for a symbol whose task failed after its retries. */
export interface SymbolTaskFailed extends FailedSymbol {
  readonly ok: false;
}

export type SymbolTaskResult = SymbolTaskSucceeded | SymbolTaskFailed;

/** Input of the finalize task: the prepared run plus the Map's per-symbol results. */
export interface FinalizeInput extends PreparedRun {
  readonly results: readonly SymbolTaskResult[];
}

/** Result of the whole run, as the finalize task returns it (the execution's output). */
export interface PreprocessOutcome {
  /** SUCCEEDED: every symbol written; PARTIAL: some failed; FAILED: none succeeded. */
  readonly status: 'SUCCEEDED' | 'PARTIAL' | 'FAILED';
  readonly manifestKey: string;
  readonly interval: string;
  readonly symbols: number;
  readonly rows: Readonly<Record<SplitName, number>>;
  readonly failedSymbols: readonly FailedSymbol[];
}

/** The per-symbol summary file the features task writes and finalize reads. */
export interface StoredSymbolSummary {
  readonly interval: string;
  readonly range: TimeRange;
  readonly boundaries: SplitBoundaries | null;
  readonly summary: SymbolSummary;
}
