/**
 * The plausibility settings reach the deployed aggregator the way the lateness does: the CDK app
 * writes them into the handler environment, and the handler reads them back at cold start.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE, engineEnvironment } from '../../../infra/constructs/handler-environment.js';
import { ConfigurationError } from '../../../shared/adapters/env.js';
import { aggregationOptionsFromEnv } from '../../../shared/adapters/pipeline-wiring.js';
import { HANDLER_ENV } from '../../../shared/config.js';

const tables = {
  [HANDLER_ENV.stateTable]: 's',
  [HANDLER_ENV.seenIdsTable]: 'i',
  [HANDLER_ENV.outputTable]: 'o',
};

describe('event-time range and live skew in the handler environment', () => {
  it('round-trips the defaults: [2000-01-01, 2100-01-01) and the skew check on at 5 minutes', () => {
    const options = aggregationOptionsFromEnv({ ...tables, ...engineEnvironment(DEFAULT_ENGINE) });
    expect(options.engine.eventTimeRange).toEqual({
      fromMs: Date.UTC(2000, 0, 1),
      toMs: Date.UTC(2100, 0, 1),
    });
    expect(options.maxFutureSkewMs).toBe(300_000);
    expect(aggregationOptionsFromEnv(tables).maxFutureSkewMs).toBe(300_000);
  });

  it('reads a configured range and turns the skew check off with "off"', () => {
    const env = {
      ...tables,
      ...engineEnvironment({
        ...DEFAULT_ENGINE,
        eventTimeFromMs: Date.UTC(1990, 0, 1),
        eventTimeToMs: Date.UTC(2040, 0, 1),
        maxFutureSkewMs: 'off',
      }),
    };
    const options = aggregationOptionsFromEnv(env);
    expect(options.engine.eventTimeRange).toEqual({
      fromMs: Date.UTC(1990, 0, 1),
      toMs: Date.UTC(2040, 0, 1),
    });
    expect(options.maxFutureSkewMs).toBeUndefined();
  });

  it('fails at cold start on a skew that is neither a duration in ms nor "off"', () => {
    expect(() => aggregationOptionsFromEnv({ ...tables, [HANDLER_ENV.maxFutureSkewMs]: 'soon' })).toThrow(
      ConfigurationError,
    );
    expect(() => aggregationOptionsFromEnv({ ...tables, [HANDLER_ENV.maxFutureSkewMs]: '-5' })).toThrow(
      /TICKFLOW_MAX_FUTURE_SKEW_MS/,
    );
  });
});
