import { backfillLakeFromEnv } from '../../../shared/adapters/backfill/lake.js';
import { prepareBackfill } from '../../../shared/pipeline/backfill/tasks.js';
import type { BackfillRequest, PreparedBackfill } from '../../../shared/pipeline/backfill/types.js';

const lake = backfillLakeFromEnv();

/** Step Functions task: the resolved request and the symbols with bronze ticks in the range. */
export async function handler(event: BackfillRequest): Promise<PreparedBackfill> {
  return prepareBackfill(lake, event);
}
