import { preprocessLakeFromEnv } from '../../../shared/adapters/preprocess/lake.js';
import { prepareRun } from '../../../shared/pipeline/preprocess/prepare.js';
import type { PreparedRun, PreprocessRequest } from '../../../shared/pipeline/preprocess/types.js';

const store = preprocessLakeFromEnv();

/** Step Functions task: symbols, spans and global split boundaries of the requested run. */
export async function handler(event: PreprocessRequest | null): Promise<PreparedRun> {
  return prepareRun(store, event);
}
