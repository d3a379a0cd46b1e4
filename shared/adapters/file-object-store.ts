import { mkdir, readdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ObjectStore } from './s3-object-store.js';

/** A key that cannot name a file under the store's root (absolute, `..`, empty segment). */
export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid object key '${key}': ${reason}`);
  }
}

/**
 * A local directory as an {@link ObjectStore} (`--lake DIR`): key `a/b/c.parquet` is the file
 * `DIR/a/b/c.parquet`. Writes go to a temporary file renamed into place, so a reader never sees a
 * half-written object; `list` returns keys in lexicographic order, as S3 does.
 *
 * @example const store = new FileObjectStore('.tickflow/t1/lake'); await store.list('bars/interval=1m/')
 */
export class FileObjectStore implements ObjectStore {
  readonly root: string;
  private writes = 0;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${this.writes++}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // Walk only the deepest folder the prefix names, then filter by the full prefix (S3 semantics).
    const slash = prefix.lastIndexOf('/');
    const folder = slash < 0 ? '' : prefix.slice(0, slash);
    const start = folder === '' ? this.root : this.pathOf(folder);
    const keys: string[] = [];
    await this.walk(start, folder, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (!isMissing(err)) throw err;
      return;
    }
    await this.pruneEmptyFolders(dirname(path));
  }

  /** The absolute path of a key; throws {@link InvalidObjectKeyError} for keys that would leave the root. */
  pathOf(key: string): string {
    const segments = key.split('/');
    if (key.startsWith('/')) throw new InvalidObjectKeyError(key, 'keys are relative to the lake root');
    if (segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new InvalidObjectKeyError(key, "no empty, '.' or '..' segments");
    }
    return join(this.root, ...segments);
  }

  private async walk(path: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const entry of entries) {
      const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(join(path, entry.name), key, out);
      else if (entry.isFile() && !entry.name.endsWith('.tmp')) out.push(key);
    }
  }

  /** Removes folders left empty by a delete, up to (not including) the root — S3 has no folders. */
  private async pruneEmptyFolders(folder: string): Promise<void> {
    while (folder.startsWith(this.root + sep)) {
      try {
        await rmdir(folder);
      } catch {
        return;
      }
      folder = dirname(folder);
    }
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}
