import { preprocessLakeFromEnv } from '../../../shared/adapters/preprocess/lake.js';
import { engineerSymbol } from '../../../shared/pipeline/preprocess/features-task.js';
import type { SymbolTaskInput, SymbolTaskSucceeded } from '../../../shared/pipeline/preprocess/types.js';

const store = preprocessLakeFromEnv();

/** Step Functions Map item task: one symbol's features, written per split. */
export async function handler(event: SymbolTaskInput): Promise<SymbolTaskSucceeded> {
  return engineerSymbol(store, event);
}
