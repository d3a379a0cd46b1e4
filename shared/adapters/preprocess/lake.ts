import { HANDLER_ENV } from '../../config.js';
import type { ObjectStore } from '../../pipeline/ports.js';
import type { PreprocessLake } from '../../pipeline/preprocess/ports.js';
import { createS3Client } from '../aws-clients.js';
import { requireString } from '../env.js';
import { decodeParquet } from '../parquet/decode.js';
import { encodeParquet } from '../parquet/encode.js';
import { S3ObjectStore } from '../s3-object-store.js';

/** An object store (an S3 bucket, or a directory locally) with this adapter's Parquet codec. */
export function preprocessLake(store: ObjectStore): PreprocessLake {
  return {
    put: (key, body, contentType) => store.put(key, body, contentType),
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
    encodeParquet: (schema, columns) => encodeParquet(schema, columns),
    decodeParquet: (bytes, columns) => decodeParquet(bytes, columns),
  };
}

/**
 * The lake bucket named by `TICKFLOW_LAKE_BUCKET`, for the preprocess handlers.
 * Throws ConfigurationError at cold start when the variable is missing.
 */
export function preprocessLakeFromEnv(env: NodeJS.ProcessEnv = process.env): PreprocessLake {
  return preprocessLake(new S3ObjectStore(createS3Client(), requireString(env, HANDLER_ENV.lakeBucket)));
}
