import type { ObjectStore, ParquetLake } from '../../pipeline/ports.js';
import { decodeParquet } from './decode.js';
import { encodeParquet } from './encode.js';

/** An object store (an S3 bucket, or a directory locally) with this adapter's Parquet codec. */
export function parquetLake(store: ObjectStore): ParquetLake {
  return {
    put: (key, body, contentType) => store.put(key, body, contentType),
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
    encodeParquet: (schema, data) => encodeParquet(schema, data),
    decodeParquet: (bytes, columns) => decodeParquet(bytes, columns),
  };
}
