import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable | null;
  metadata: Record<string, string | number>;
  range?: { start: number; end: number };
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, string | number>,
    md5: string,
  ): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<S3rverObject | null>;
}

type S3ObjectConstructor = new (
  bucket: string,
  key: string,
  content: Readable | null,
  metadata: Record<string, string | number>,
) => S3rverObject;

/**
 * s3rver 3.7.1's objects are not atomic the way S3's are: PutObject truncates the object file at once
 * and answers before the bytes reach the disk, and GetObject takes the length from one `stat` and the
 * bytes from a later `open`. A GET right after (or during) a PUT of the same key can then read a
 * partial file — seen as "parquet file invalid (footer != PAR1)" when the compactor rewrites an hour
 * file and reads it back. This patch makes the local S3 behave like S3 here: every file of an object
 * is written to a temporary name (which s3rver's listing ignores) and renamed into place, and a GET
 * takes the length and the bytes from one open file.
 */
export function makeS3rverObjectsAtomic(
  store: { prototype: FilesystemStore },
  S3Object: S3ObjectConstructor & { ALLOWED_METADATA: string[] },
): void {
  store.prototype.putObject = async function putObject(this: FilesystemStore, object: S3rverObject) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    const body = Buffer.isBuffer(object.content) ? object.content : await collect(object.content as Readable);
    const md5 = createHash('md5').update(body).digest('hex');
    await mkdir(dirname(objectPath), { recursive: true });
    await writeAtomically(objectPath, body);
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: body.length, md5 };
  };

  store.prototype.putMetadata = async function putMetadata(
    this: FilesystemStore,
    bucket,
    key,
    metadata,
    md5,
  ) {
    const kept: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(metadata)) {
      if (S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) kept[name] = value;
    }
    if (md5) await writeAtomically(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await writeAtomically(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept, null, 2));
  };

  store.prototype.getObject = async function getObject(this: FilesystemStore, bucket, key, options) {
    const objectPath = this.getResourcePath(bucket, key, 'object');
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(objectPath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const stat = await handle.stat();
    const stored = JSON.parse(
      await readFile(this.getResourcePath(bucket, key, 'metadata.json'), 'utf8').catch(() => '{}'),
    ) as Record<string, string>;
    const md5 = await readFile(`${objectPath}.md5`, 'utf8').catch(() => '');
    const metadata = {
      ...stored,
      etag: JSON.stringify(md5),
      'last-modified': stat.mtime.toUTCString(),
      'content-length': stat.size,
    };
    const lastByte = Math.max(0, stat.size - 1);
    // Same range arithmetic as s3rver's own getObject (an `end` of 0 means "to the end" there too).
    const range = {
      start: options?.start || 0,
      end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte),
    };
    const ranged = options !== undefined && (options.start !== undefined || options.end !== undefined);
    if (range.start < 0 || range.end < range.start) {
      await handle.close();
      const object = new S3Object(bucket, key, null, metadata);
      if (ranged) object.range = range;
      return object;
    }
    const content = handle.createReadStream({ start: range.start, end: range.end });
    const object = new S3Object(bucket, key, content, metadata);
    if (ranged) object.range = range;
    return object;
  };
}

async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temporary, data);
  await rename(temporary, path);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
