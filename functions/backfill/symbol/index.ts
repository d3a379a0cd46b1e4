import { backfillLakeFromEnv } from '../../../shared/adapters/backfill/lake.js';
import { backfillSymbol } from '../../../shared/pipeline/backfill/tasks.js';
import type { SymbolBackfillInput, SymbolBackfillResult } from '../../../shared/pipeline/backfill/types.js';

const lake = backfillLakeFromEnv();

/** Step Functions Map task: replays one symbol's bronze ticks and replaces its bar and late partitions. */
export async function handler(event: SymbolBackfillInput): Promise<SymbolBackfillResult> {
  return backfillSymbol(lake, event);
}
