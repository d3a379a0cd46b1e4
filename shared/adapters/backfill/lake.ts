import { HANDLER_ENV } from '../../config.js';
import type { BackfillLake } from '../../pipeline/backfill/ports.js';
import type { ObjectStore } from '../../pipeline/ports.js';
import { createS3Client } from '../aws-clients.js';
import { S3MarkStore } from '../bronze/s3-mark-store.js';
import { S3TickLake } from '../bronze/s3-tick-lake.js';
import { requireString } from '../env.js';
import { encodeParquet } from '../parquet/index.js';
import { S3ObjectStore } from '../s3-object-store.js';

/** An object store (the lake bucket, or a directory locally) with the bronze and Parquet codecs. */
export function backfillLake(store: ObjectStore): BackfillLake {
  const bronze = new S3TickLake(store);
  const marks = new S3MarkStore(store);
  return {
    put: (key, body, contentType) => store.put(key, body, contentType),
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
    readBronze: (key, symbol) => bronze.readKey(key, symbol),
    readMarks: (symbol, date) => marks.read(symbol, date),
    encodeRows: (schema, rows) => encodeParquet(schema, rows),
  };
}

/** The lake bucket named by `TICKFLOW_LAKE_BUCKET`, for the backfill handlers; throws at cold start when it is missing. */
export function backfillLakeFromEnv(env: NodeJS.ProcessEnv = process.env): BackfillLake {
  return backfillLake(new S3ObjectStore(createS3Client(), requireString(env, HANDLER_ENV.lakeBucket)));
}
