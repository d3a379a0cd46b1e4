import type { DuckDb } from './duckdb.js';
import type { SuiteResult } from './report.js';

/** What every suite gets from the runner. */
export interface SuiteContext {
  /** Smoke run: smaller inputs and fewer rounds. */
  readonly quick: boolean;
  /** Only these cases of a suite that has several (`--cases`, e.g. the scale suite's `hot`); all when undefined. */
  readonly cases?: readonly string[];
  /** One in-memory DuckDB shared by the suites (each drops what it created). */
  readonly db: DuckDb;
  /** Progress for the terminal. */
  readonly log: (line: string) => void;
}

export type Suite = (context: SuiteContext) => Promise<SuiteResult>;
