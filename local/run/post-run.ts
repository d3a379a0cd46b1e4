import type { RunSummary } from './summary.js';

/**
 * A step of `tickflow local run` after the stream part (the preprocess state machine today): it
 * reads what the run left in `out` (lake, summary) and may add to the summary. The CLI runs its list
 * in order; a new end-of-run output is one more step in that list.
 */
export interface PostRunStep {
  readonly name: string;
  run(ctx: PostRunContext): Promise<PostRunResult>;
}

export interface PostRunContext {
  /** The summary as the previous steps left it. */
  readonly summary: RunSummary;
  /** The run's output directory (`lake/`, `summary.json`, …). */
  readonly out: string;
  /** The run's report (stdout). */
  readonly print: (text: string) => void;
  /** Progress (stderr). */
  readonly log: (text: string) => void;
}

export interface PostRunResult {
  /** The summary with this step's additions (rewritten to `summary.json` by the step). */
  readonly summary?: RunSummary;
  /** The step ran but its outcome is a failure: the run exits non-zero. */
  readonly failed?: boolean;
}

/** Runs the steps in order; each sees the summary the previous ones left. */
export async function runPostRunSteps(
  steps: readonly PostRunStep[],
  ctx: PostRunContext,
): Promise<{ summary: RunSummary; failed: boolean }> {
  let summary = ctx.summary;
  let failed = false;
  for (const step of steps) {
    const result = await step.run({ ...ctx, summary });
    summary = result.summary ?? summary;
    failed ||= result.failed === true;
  }
  return { summary, failed };
}
