import { DEFAULT_EVENT_TIME_FROM_MS, DEFAULT_EVENT_TIME_TO_MS, HANDLER_ENV } from '../config.js';
import type { EventTimeRange } from '../domain/tick-bounds.js';
import { integer } from './env.js';

/**
 * The accepted event times the CDK app sets for the aggregator and the bronze writer alike, so a
 * tick the aggregator quarantines never lands in the bronze layer; the defaults of shared/config.ts
 * when unset.
 */
export function eventTimeRangeFromEnv(env: NodeJS.ProcessEnv = process.env): EventTimeRange {
  return {
    fromMs: integer(env, HANDLER_ENV.eventTimeFromMs, DEFAULT_EVENT_TIME_FROM_MS),
    toMs: integer(env, HANDLER_ENV.eventTimeToMs, DEFAULT_EVENT_TIME_TO_MS),
  };
}
