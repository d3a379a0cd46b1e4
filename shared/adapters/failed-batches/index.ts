export {
  FAILED_BATCH_PREFIX,
  type FailedBatch,
  type FailedRecord,
  failedBatchKey,
  InvalidFailedBatchError,
  parseFailedBatch,
  ticksIn,
} from './object.js';
export {
  discardedAtOfKey,
  REPLAYED_PREFIX,
  type ReplayOptions,
  type ReplayReport,
  replayFailedBatches,
} from './replay.js';
