/**
 * `Promise.withResolvers` for Node 20 (it arrived in Node 22). aws-local-stepfunctions 3 calls it in
 * every Task; without it each Task throws a TypeError that a `Catch States.ALL` swallows, and the
 * execution still "succeeds". Installed once, only where missing.
 */
export function installPromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: unknown };
  if (typeof promise.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const p = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise: p, resolve, reject };
    },
  });
}
