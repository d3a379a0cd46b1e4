import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { isTransient, ServingWriteError, withBackoff } from '../../../shared/adapters/serving/index.js';
import { backoffDelay } from '../../../shared/adapters/serving/retry.js';

const codes = cassandra.types.responseErrorCodes;
const responseError = (code: number, message: string) => new cassandra.errors.ResponseError(code, message);
const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };

describe('write retries with backoff', () => {
  it('treats write timeouts, overload, unavailable and Keyspaces capacity errors as transient; syntax errors not', () => {
    expect(isTransient(responseError(codes.writeTimeout, 'timeout'))).toBe(true);
    expect(isTransient(responseError(codes.overloaded, 'overloaded'))).toBe(true);
    expect(isTransient(responseError(codes.unavailableException, 'unavailable'))).toBe(true);
    expect(isTransient(responseError(codes.serverError, 'Insufficient capacity: write throttled'))).toBe(
      true,
    );
    expect(isTransient(responseError(codes.serverError, 'NullPointerException'))).toBe(false);
    expect(isTransient(responseError(codes.syntaxError, 'line 1:0 no viable alternative'))).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
  });

  it('retries a transient failure after growing, capped pauses, then succeeds', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const result = await withBackoff(
      async () => {
        calls++;
        if (calls < 4) throw responseError(codes.writeTimeout, 'timeout');
        return 'ok';
      },
      policy,
      async (ms) => pauses.push(ms),
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(pauses).toHaveLength(3);
    for (const [i, ms] of pauses.entries()) expect(ms).toBeLessThanOrEqual(Math.min(250, 100 * 2 ** i));
  });

  it('gives up after maxAttempts with a ServingWriteError carrying the attempts and the cause', async () => {
    const cause = responseError(codes.overloaded, 'overloaded');
    const err = await withBackoff(
      () => Promise.reject(cause),
      policy,
      async () => {},
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ServingWriteError);
    expect(err).toMatchObject({ attempts: 4, cause });
  });

  it('does not retry a non-transient failure', async () => {
    let calls = 0;
    const err = await withBackoff(
      () => {
        calls++;
        return Promise.reject(responseError(codes.invalid, 'bad'));
      },
      policy,
      async () => {},
    ).catch((e) => e);
    expect(calls).toBe(1);
    expect(err).toMatchObject({ attempts: 1 });
  });

  it('full jitter: the delay is uniform below min(max, base·2^(n−1))', () => {
    expect(backoffDelay(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(125);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});
