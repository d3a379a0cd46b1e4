import { HANDLER_ENV } from '../../config.js';
import type { ParquetLake } from '../../pipeline/ports.js';
import { createS3Client } from '../aws-clients.js';
import { requireString } from '../env.js';
import { parquetLake } from '../parquet/lake.js';
import { S3ObjectStore } from '../s3-object-store.js';

/**
 * The lake bucket named by `TICKFLOW_LAKE_BUCKET`, for the preprocess handlers.
 * Throws ConfigurationError at cold start when the variable is missing.
 */
export function preprocessLakeFromEnv(env: NodeJS.ProcessEnv = process.env): ParquetLake {
  return parquetLake(new S3ObjectStore(createS3Client(), requireString(env, HANDLER_ENV.lakeBucket)));
}
