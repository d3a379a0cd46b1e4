import { InvalidIntervalError } from '../../shared/domain/errors.js';
import { parseIntervals } from '../../shared/domain/intervals.js';
import { InvalidPropsError } from '../errors.js';
import type { EngineSettings } from './handler-environment.js';
import { requireIntegerInRange } from './validate.js';

const DAY_MS = 86_400_000;
/** 10000-01-01: the lake's date partitions hold four-digit years. */
const MAX_EPOCH_MS = Date.UTC(10000, 0, 1);

/** Checks the engine settings a handler will receive, before they reach a Lambda environment. */
export function validateEngine(construct: string, engine: EngineSettings): void {
  if (engine.intervals.length === 0) {
    throw new InvalidPropsError(
      construct,
      'intervals',
      engine.intervals,
      "name at least one interval, e.g. ['1m']",
    );
  }
  requireDomainIntervals(construct, engine.intervals);
  requireIntegerInRange(
    construct,
    'allowedLatenessMs',
    engine.allowedLatenessMs,
    0,
    7 * DAY_MS,
    'ms, up to 7 days',
  );
  if (engine.dedupHorizonMs !== undefined) {
    requireIntegerInRange(
      construct,
      'dedupHorizonMs',
      engine.dedupHorizonMs,
      0,
      7 * DAY_MS,
      'ms, up to 7 days (leave unset for the allowed lateness)',
    );
  }
  requireIntegerInRange(construct, 'idleTimeoutMs', engine.idleTimeoutMs, 1000, DAY_MS, 'ms, 1 s to 1 day');
  requireIntegerInRange(
    construct,
    'eventTimeFromMs',
    engine.eventTimeFromMs,
    0,
    engine.eventTimeToMs - 1,
    'epoch ms, before eventTimeToMs',
  );
  requireIntegerInRange(
    construct,
    'eventTimeToMs',
    engine.eventTimeToMs,
    engine.eventTimeFromMs + 1,
    MAX_EPOCH_MS,
    'epoch ms, after eventTimeFromMs and before year 10000',
  );
  if (engine.maxFutureSkewMs !== 'off') {
    requireIntegerInRange(
      construct,
      'maxFutureSkewMs',
      engine.maxFutureSkewMs,
      0,
      7 * DAY_MS,
      "ms, up to 7 days, or 'off' for a stream of historical data",
    );
  }
}

/**
 * The handler parses its intervals with the domain's `parseIntervals` at cold start; synth calls the
 * same parser, so a list the function would refuse (`5m_2m`, a repeated `1m`) fails `cdk synth` instead.
 */
function requireDomainIntervals(construct: string, intervals: readonly string[]): void {
  try {
    parseIntervals(intervals);
  } catch (err) {
    if (!(err instanceof InvalidIntervalError)) throw err;
    throw new InvalidPropsError(
      construct,
      'intervals',
      err.label,
      `${err.reason}; use labels like '1m', '1h' or '5m_1m' (size_slide, the slide dividing the size), each once`,
    );
  }
}
