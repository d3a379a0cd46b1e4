import { describe, expect, it } from 'vitest';
import { configFromContext, DEFAULT_CONFIG, resolveConfig } from '../../infra/config.js';
import { engineEnvironment } from '../../infra/constructs/handler-environment.js';
import { InfraConfigError } from '../../infra/errors.js';
import { DEFAULT_ALLOWED_LATENESS_MS, DEFAULT_INTERVALS, HANDLER_ENV } from '../../shared/config.js';

describe('infra config', () => {
  it('takes the engine defaults from shared/config.ts so local and cloud agree', () => {
    expect(DEFAULT_CONFIG.intervals).toEqual(DEFAULT_INTERVALS);
    expect(DEFAULT_CONFIG.allowedLatenessMs).toBe(DEFAULT_ALLOWED_LATENESS_MS);
  });

  it('sets the dedup horizon to the allowed lateness unless it is given on its own', () => {
    expect(DEFAULT_CONFIG.dedupHorizonMs).toBeUndefined();
    const follows = resolveConfig({ allowedLatenessMs: 120_000 });
    expect(engineEnvironment(follows)[HANDLER_ENV.dedupHorizonMs]).toBe('120000');
    const own = resolveConfig({ allowedLatenessMs: 120_000, dedupHorizonMs: 60_000 });
    expect(engineEnvironment(own)[HANDLER_ENV.dedupHorizonMs]).toBe('60000');
  });

  it('keeps the nightly schedule off and retries bounded by default', () => {
    expect(DEFAULT_CONFIG.nightlySchedule).toBeUndefined();
    expect(DEFAULT_CONFIG.consumer.maxRetryAttempts).toBeGreaterThanOrEqual(0);
  });

  it('merges nested overrides over the defaults without losing sibling values', () => {
    const config = resolveConfig({ consumer: { batchSize: 100 }, alarms: { lateRatio: 0.2 } });
    expect(config.consumer).toEqual({ ...DEFAULT_CONFIG.consumer, batchSize: 100 });
    expect(config.alarms.lateRatio).toBe(0.2);
    expect(config.alarms.iteratorAgeMs).toBe(DEFAULT_CONFIG.alarms.iteratorAgeMs);
  });

  it('turns the Keyspaces serving store on by default and merges a partial serving override', () => {
    expect(DEFAULT_CONFIG.serving).toEqual({
      enabled: true,
      keyspaceName: 'tickflow',
      ttlSeconds: 2_592_000,
      formingUpsertPeriodMs: 10_000,
    });
    const config = configFromContext('{"serving":{"enabled":false}}');
    expect(config.serving).toEqual({ ...DEFAULT_CONFIG.serving, enabled: false });
  });

  it('reads a JSON context string as given with cdk -c', () => {
    const config = configFromContext('{"prefix":"tickflow-dev","stream":{"shards":"ON_DEMAND"}}');
    expect(config.prefix).toBe('tickflow-dev');
    expect(config.serving.keyspaceName).toBe('tickflow_dev');
    expect(config.stream).toEqual({ ...DEFAULT_CONFIG.stream, shards: 'ON_DEMAND' });
  });

  it('reads an object context as written in cdk.json, and no context as the defaults', () => {
    expect(configFromContext({ prefix: 'tickflow-qa' }).prefix).toBe('tickflow-qa');
    expect(configFromContext(undefined)).toEqual(DEFAULT_CONFIG);
  });

  it('refuses a context string that is not JSON, naming the key', () => {
    expect(() => configFromContext('{prefix:dev')).toThrow(InfraConfigError);
    expect(() => configFromContext('{prefix:dev')).toThrow(/tickflow \(context\)/);
  });

  it('refuses a context value that is not an object', () => {
    expect(() => configFromContext('[1,2]')).toThrow(/pass an object/);
  });
});
