import { lakeStoreFromEnv } from '../../../shared/pipeline/preprocess/lake-store.js';
import { prepareRun } from '../../../shared/pipeline/preprocess/prepare.js';
import type { PreparedRun, PreprocessRequest } from '../../../shared/pipeline/preprocess/types.js';

const store = lakeStoreFromEnv();

/** Step Functions task: symbols, spans and global split boundaries of the requested run. */
export async function handler(event: PreprocessRequest | null): Promise<PreparedRun> {
  return prepareRun(store, event);
}
