import { preprocessLakeFromEnv } from '../../../shared/adapters/preprocess/lake.js';
import { finalizeRun } from '../../../shared/pipeline/preprocess/finalize.js';
import type { FinalizeInput, PreprocessOutcome } from '../../../shared/pipeline/preprocess/types.js';

const store = preprocessLakeFromEnv();

/** Step Functions task: writes features/_manifest.json and returns the run's status. */
export async function handler(event: FinalizeInput): Promise<PreprocessOutcome> {
  return finalizeRun(store, event);
}
