import type { ObjectStore } from '../../../shared/adapters/s3-object-store.js';

/** The process "died" at this write: nothing after it runs. */
export class SimulatedCrash extends Error {
  constructor(
    readonly operation: string,
    readonly phase: 'before' | 'after',
  ) {
    super(`simulated crash ${phase} write: ${operation}`);
    this.name = 'SimulatedCrash';
  }
}

/**
 * An object store that crashes at its k-th write (put or delete): `before` the write reaches the store,
 * or `after` it took effect (the response is lost). From then on every call fails, as for a dead process.
 * `observe` runs after each successful write, so a test can check what readers see at every step.
 */
export class CrashingObjectStore implements ObjectStore {
  writes = 0;
  crashed = false;

  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt: number,
    private readonly phase: 'before' | 'after',
    private readonly observe: () => Promise<void> = async () => undefined,
  ) {}

  put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    return this.write(`put ${key}`, () => this.inner.put(key, body, contentType));
  }

  delete(key: string): Promise<void> {
    return this.write(`delete ${key}`, () => this.inner.delete(key));
  }

  get(key: string): Promise<Uint8Array | undefined> {
    this.failIfCrashed('get');
    return this.inner.get(key);
  }

  list(prefix: string): Promise<string[]> {
    this.failIfCrashed('list');
    return this.inner.list(prefix);
  }

  private async write(operation: string, run: () => Promise<void>): Promise<void> {
    this.failIfCrashed(operation);
    const n = ++this.writes;
    if (n === this.crashAt && this.phase === 'before') this.crash(operation);
    await run();
    if (n === this.crashAt) this.crash(operation);
    await this.observe();
  }

  private crash(operation: string): never {
    this.crashed = true;
    throw new SimulatedCrash(operation, this.phase);
  }

  private failIfCrashed(operation: string): void {
    if (this.crashed) throw new SimulatedCrash(operation, this.phase);
  }
}
