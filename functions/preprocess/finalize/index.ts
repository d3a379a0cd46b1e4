import { finalizeRun } from '../../../shared/pipeline/preprocess/finalize.js';
import { lakeStoreFromEnv } from '../../../shared/pipeline/preprocess/lake-store.js';
import type { FinalizeInput, PreprocessOutcome } from '../../../shared/pipeline/preprocess/types.js';

const store = lakeStoreFromEnv();

/** Step Functions task: writes features/_manifest.json and returns the run's status. */
export async function handler(event: FinalizeInput): Promise<PreprocessOutcome> {
  return finalizeRun(store, event);
}
