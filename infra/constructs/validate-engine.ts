import { InvalidPropsError } from '../errors.js';
import type { EngineSettings } from './handler-environment.js';
import { requireIntegerInRange } from './validate.js';

const INTERVAL_LABEL = /^\d+[smhd](_\d+[smhd])?$/;
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
  for (const label of engine.intervals) {
    if (!INTERVAL_LABEL.test(label)) {
      throw new InvalidPropsError(
        construct,
        'intervals',
        label,
        "use labels like '1m', '1h' or '5m_1m' (size_slide)",
      );
    }
  }
  requireIntegerInRange(
    construct,
    'allowedLatenessMs',
    engine.allowedLatenessMs,
    0,
    7 * DAY_MS,
    'ms, up to 7 days',
  );
  requireIntegerInRange(
    construct,
    'dedupHorizonMs',
    engine.dedupHorizonMs,
    0,
    7 * DAY_MS,
    'ms, up to 7 days',
  );
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
