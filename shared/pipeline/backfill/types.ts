/** The execution input of a backfill (`tickflow backfill`, the Step Functions workflow). */
export interface BackfillRequest {
  /** First UTC date whose partitions are rewritten, YYYY-MM-DD. */
  readonly from: string;
  /** Last UTC date (inclusive), YYYY-MM-DD. */
  readonly to: string;
  /** @default every symbol with bronze ticks in the range */
  readonly symbols?: readonly string[];
  /** Interval labels. @default the pipeline's (shared/config.ts) */
  readonly intervals?: readonly string[];
  /** @default the pipeline's allowed lateness (10 minutes) */
  readonly allowedLatenessMs?: number;
  /** @default the allowed lateness */
  readonly dedupHorizonMs?: number;
}

/** One symbol's task: what the Map hands to each iteration. */
export interface SymbolBackfillInput {
  readonly symbol: string;
  readonly from: string;
  readonly to: string;
  readonly intervals: readonly string[];
  readonly allowedLatenessMs: number;
  readonly dedupHorizonMs: number;
}

/** The prepare step's output: the resolved settings and the symbols the Map runs over. */
export interface PreparedBackfill {
  readonly from: string;
  readonly to: string;
  readonly intervals: readonly string[];
  readonly allowedLatenessMs: number;
  readonly dedupHorizonMs: number;
  readonly symbols: readonly string[];
}

export interface SymbolBackfillResult {
  readonly symbol: string;
  /** Bronze ticks replayed (the lead-in and lead-out days included). */
  readonly ticks: number;
  readonly duplicates: number;
  /** Bars written, per interval (partitions in the range only). */
  readonly bars: Readonly<Record<string, number>>;
  /** Late ticks written, per interval. */
  readonly late: Readonly<Record<string, number>>;
  /** Partition files written (each one PUT, replacing the old file). */
  readonly filesWritten: number;
  /** Old files removed: partitions in the range that get no rows now, or stray part files. */
  readonly filesDeleted: number;
}

/** The workflow's output. */
export interface BackfillOutcome extends PreparedBackfill {
  readonly results: readonly SymbolBackfillResult[];
}
