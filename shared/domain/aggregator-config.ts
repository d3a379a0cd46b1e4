import { DEFAULT_ALLOWED_LATENESS_MS, DEFAULT_INTERVALS } from '../config.js';
import { InvalidAggregatorConfigError } from './errors.js';
import { type IntervalSpec, parseIntervals } from './intervals.js';
import { DEFAULT_EVENT_TIME_RANGE, type EventTimeRange } from './tick-bounds.js';

/** What a symbol aggregator computes and how long it waits for late data. */
export interface AggregatorConfig {
  readonly intervals: readonly IntervalSpec[];
  /** The watermark trails the symbol's max event time by this much (docs/stream-contract.md#watermark-and-lateness). */
  readonly allowedLatenessMs: number;
  /**
   * How far back in event time a repeated trade id counts as a duplicate; by default the allowed
   * lateness, so a retry of any tick that can still reach a window is dropped
   * (docs/stream-contract.md#duplicates).
   */
  readonly dedupHorizonMs: number;
  /** Event times a tick may carry; others are quarantined (default [2000-01-01, 2100-01-01)). */
  readonly eventTimeRange: EventTimeRange;
}

/**
 * A validated configuration: the pipeline defaults from shared/config.ts, overridden by `overrides`.
 * @example aggregatorConfig({ intervals: parseIntervals(['1m', '5m_1m']), allowedLatenessMs: 0 })
 * @throws InvalidAggregatorConfigError when a value cannot work.
 */
export function aggregatorConfig(overrides: Partial<AggregatorConfig> = {}): AggregatorConfig {
  const allowedLatenessMs = overrides.allowedLatenessMs ?? DEFAULT_ALLOWED_LATENESS_MS;
  const config: AggregatorConfig = {
    intervals: overrides.intervals ?? parseIntervals(DEFAULT_INTERVALS),
    allowedLatenessMs,
    dedupHorizonMs: overrides.dedupHorizonMs ?? allowedLatenessMs,
    eventTimeRange: overrides.eventTimeRange ?? DEFAULT_EVENT_TIME_RANGE,
  };
  validateAggregatorConfig(config);
  return config;
}

/** @throws InvalidAggregatorConfigError when a value cannot work. */
export function validateAggregatorConfig(config: AggregatorConfig): void {
  if (config.intervals.length === 0) {
    throw new InvalidAggregatorConfigError('intervals', 'must list at least one interval');
  }
  const labels = new Set(config.intervals.map((spec) => spec.label));
  if (labels.size !== config.intervals.length) {
    throw new InvalidAggregatorConfigError('intervals', 'must not repeat a label');
  }
  for (const field of ['allowedLatenessMs', 'dedupHorizonMs'] as const) {
    const value = config[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidAggregatorConfigError(field, `must be an integer ≥ 0 (got ${value})`);
    }
  }
  const range = config.eventTimeRange;
  if (
    !Number.isSafeInteger(range.fromMs) ||
    !Number.isSafeInteger(range.toMs) ||
    range.fromMs >= range.toMs
  ) {
    throw new InvalidAggregatorConfigError(
      'eventTimeRange',
      `must be integer epoch ms with fromMs < toMs (got [${range.fromMs}, ${range.toMs}))`,
    );
  }
}
