import { HANDLER_ENV } from '../../config.js';
import { HOURLY_FILE_MINUTES } from '../../pipeline/bronze/hour-files.js';
import type { TickCompactorOptions } from '../../pipeline/bronze/tick-compactor.js';
import { DEFAULT_PART_ROWS } from '../../pipeline/bronze/tick-parts.js';
import { integer, requireString } from '../env.js';

/** Environment variables of the compactor beyond `HANDLER_ENV` (all optional). */
export const COMPACTOR_ENV = {
  objectsPerChunk: 'TICKFLOW_COMPACTION_OBJECTS_PER_CHUNK',
  maxObjectsPerRun: 'TICKFLOW_COMPACTION_MAX_OBJECTS_PER_RUN',
  fileMinutes: 'TICKFLOW_COMPACTION_FILE_MINUTES',
  partRows: 'TICKFLOW_COMPACTION_PART_ROWS',
} as const;

/** The lake bucket of the bronze functions; fails loudly at cold start when it is missing. */
export function lakeBucketFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return requireString(env, HANDLER_ENV.lakeBucket);
}

/** Compaction bounds from the environment, defaults from {@link TickCompactorOptions}. */
export function compactionOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TickCompactorOptions {
  return {
    objectsPerChunk: integer(env, COMPACTOR_ENV.objectsPerChunk, 200),
    maxObjectsPerRun: integer(env, COMPACTOR_ENV.maxObjectsPerRun, 5000),
    fileMinutes: integer(env, COMPACTOR_ENV.fileMinutes, HOURLY_FILE_MINUTES),
    partRows: integer(env, COMPACTOR_ENV.partRows, DEFAULT_PART_ROWS),
  };
}
