import { createS3Client } from '../../adapters/aws-clients.js';
import { requireString } from '../../adapters/env.js';
import { S3ObjectStore } from '../../adapters/s3-object-store.js';
import { HANDLER_ENV } from '../../config.js';

/**
 * The lake bucket named by `TICKFLOW_LAKE_BUCKET` as an object store, for the preprocess handlers.
 * Throws ConfigurationError at cold start when the variable is missing.
 */
export function lakeStoreFromEnv(env: NodeJS.ProcessEnv = process.env): S3ObjectStore {
  return new S3ObjectStore(createS3Client(), requireString(env, HANDLER_ENV.lakeBucket));
}
