/**
 * The local run takes what it does not decide itself from the deployed stack's configuration
 * (infra/config.ts): event source mapping (but its batching window), intervals, idle timeout, skew
 * limit, function sizes.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, eventSourceMapping } from '../../../infra/config.js';
import { lambdaSizing } from '../../../infra/cost-inventory.js';
import { LOCAL_RUN_DEFAULTS, type LocalRunOptions, resolveRunSettings } from '../../../local/run/options.js';

const replay: LocalRunOptions = { source: { kind: 'replay', file: 'x.csv' }, out: 'out' };
const live: LocalRunOptions = {
  source: { kind: 'simulate', simulation: { symbols: 1, ticks: 10 } },
  out: 'out',
  rate: 100,
};

describe('local run settings', () => {
  it('runs the consumers with the deployed event source mapping, but a batching window for seconds-long runs', () => {
    const run = resolveRunSettings(replay);
    expect(run.mapping).toEqual({
      ...eventSourceMapping(DEFAULT_CONFIG.consumer),
      maximumBatchingWindowMs: LOCAL_RUN_DEFAULTS.maximumBatchingWindowMs,
    });
    expect(LOCAL_RUN_DEFAULTS.maximumBatchingWindowMs).toBeLessThan(
      DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds * 1000,
    );
    expect(run.mapping).toMatchObject({
      batchSize: DEFAULT_CONFIG.consumer.batchSize,
      maximumRetryAttempts: DEFAULT_CONFIG.consumer.maxRetryAttempts,
      maximumRecordAgeSeconds: DEFAULT_CONFIG.consumer.maxRecordAgeSeconds,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
    });
    expect(run.sizing).toEqual(lambdaSizing(DEFAULT_CONFIG));
  });

  it('takes the run’s batching and retries over the deployed ones; chaos retries until faults pass', () => {
    const run = resolveRunSettings({ ...replay, batchSize: 37, maximumBatchingWindowMs: 250 });
    expect(run.mapping).toMatchObject({ batchSize: 37, maximumBatchingWindowMs: 250 });
    expect(resolveRunSettings({ ...replay, chaos: 0.1 }).mapping.maximumRetryAttempts).toBe(-1);
    expect(
      resolveRunSettings({ ...replay, chaos: 0.1, maxRetryAttempts: 2 }).mapping.maximumRetryAttempts,
    ).toBe(2);
  });

  it('aggregates with the deployed engine defaults', () => {
    const run = resolveRunSettings(replay);
    expect(run.engine.intervals.map((i) => i.label)).toEqual([...DEFAULT_CONFIG.intervals]);
    expect(run.engine.allowedLatenessMs).toBe(DEFAULT_CONFIG.allowedLatenessMs);
    expect(run.idleTimeoutMs).toBe(DEFAULT_CONFIG.idleTimeoutMs);
    expect(run.deployConfig.intervals).toEqual([...DEFAULT_CONFIG.intervals]);
  });

  it('checks future skew only in live mode, with the deployed limit', () => {
    expect(resolveRunSettings(replay)).toMatchObject({ live: false, maxFutureSkewMs: undefined });
    expect(resolveRunSettings(live)).toMatchObject({
      live: true,
      maxFutureSkewMs: DEFAULT_CONFIG.maxFutureSkewMs,
    });
    expect(resolveRunSettings({ ...live, maxFutureSkewMs: 1_000 }).maxFutureSkewMs).toBe(1_000);
  });

  it('refuses intervals the domain refuses', () => {
    expect(() => resolveRunSettings({ ...replay, intervals: ['1m', '1m'] })).toThrow(/more than once/);
  });
});
