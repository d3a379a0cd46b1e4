import { describe, expect, it } from 'vitest';
import { aggregateAll } from '../../../shared/domain/aggregate-all.js';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import { parseIntervals } from '../../../shared/domain/intervals.js';
import {
  AlertConfigError,
  DEFAULT_MARKET_ALERT_CONFIG,
  detectMarketAlerts,
  type MarketAlert,
  type MarketAlertConfig,
  thresholdsFor,
  validateAlertConfig,
} from '../../../shared/domain/market-alerts/index.js';
import type { Bar, Tick } from '../../../shared/domain/types.js';
import { MarketSimulator, type SimulationOptions } from '../../../shared/producer/index.js';
import { anomalyScenario } from '../../support/market-anomalies.js';

/** Simulated ticks → 1m bars and late ticks (the domain's replay) → every symbol's alerts. */
function alertsOf(options: SimulationOptions, config: MarketAlertConfig = DEFAULT_MARKET_ALERT_CONFIG) {
  const ticks: Tick[] = [...new MarketSimulator(options).records()].map((r) => r.payload as unknown as Tick);
  const result = aggregateAll(ticks, aggregatorConfig({ intervals: parseIntervals(['1m']) }));
  const bars = new Map<string, Bar[]>();
  for (const bar of result.bars) bars.set(bar.symbol, [...(bars.get(bar.symbol) ?? []), bar]);
  const asOf = Math.max(...result.bars.map((b) => b.windowEnd));
  const alerts: MarketAlert[] = [];
  for (const [symbol, list] of bars) {
    const lateWatermarks = result.late.filter((l) => l.tick.symbol === symbol).map((l) => l.watermark);
    alerts.push(...detectMarketAlerts({ symbol, bars: list, lateWatermarks }, config, asOf));
  }
  return alerts;
}

describe('market alerts on simulated ticks', () => {
  it('alerts every injected jump, silence and late burst, and nothing else', () => {
    const { options, expectedAlertIds } = anomalyScenario();
    const alerts = alertsOf(options);
    expect(alerts.map((a) => a.id).sort()).toEqual(expectedAlertIds);
    const jump = alerts.find((a) => a.kind === 'price-move')!;
    expect(jump.bar?.windowStart).toBe(jump.windowStart);
    expect(jump.threshold).toEqual({ name: 'sigma', value: 6 });
    expect(jump.observed).toBeGreaterThan(6);
  });

  it('raises nothing on the same market without the anomalies', () => {
    const { options } = anomalyScenario();
    expect(alertsOf({ ...options, anomalies: undefined })).toEqual([]);
  });

  it('per-class thresholds: a class with a higher sigma stays quiet on a jump the default catches', () => {
    const { options, expectedAlertIds } = anomalyScenario();
    const jumped = expectedAlertIds.find((id) => id.startsWith('price-move'))!.split('|')[1]!;
    const config = validateAlertConfig({
      ...DEFAULT_MARKET_ALERT_CONFIG,
      classes: [{ name: 'wild', symbols: [jumped], thresholds: { sigma: 10_000 } }],
    });
    const ids = alertsOf(options, config).map((a) => a.id);
    expect(ids.some((id) => id.startsWith(`price-move|${jumped}|`))).toBe(false);
    expect(ids.filter((id) => id.startsWith('price-move'))).toHaveLength(1);
  });
});

describe('market alert thresholds', () => {
  it('a class matches by pattern, first match wins, the rest falls back to the defaults', () => {
    const config = validateAlertConfig({
      ...DEFAULT_MARKET_ALERT_CONFIG,
      classes: [
        { name: 'crypto', symbols: ['BTC-*', 'ETH-*'], thresholds: { sigma: 8 } },
        { name: 'all', symbols: ['*'], thresholds: { quietAfterMs: 60_000 } },
      ],
    });
    expect(thresholdsFor(config, 'BTC-USDT')).toMatchObject({
      class: 'crypto',
      sigma: 8,
      quietAfterMs: 300_000,
    });
    expect(thresholdsFor(config, 'EUR/USD')).toMatchObject({ class: 'all', sigma: 6, quietAfterMs: 60_000 });
  });

  it.each([
    [{ defaults: { ...DEFAULT_MARKET_ALERT_CONFIG.defaults, sigma: 0 } }, 'defaults.sigma'],
    [{ classes: [{ name: 'x', symbols: [], thresholds: {} }] }, 'classes[0].symbols'],
    [{ classes: [{ name: 'x', symbols: ['A'], thresholds: { sigmas: 3 } }] }, 'classes[0].thresholds.sigmas'],
  ])('rejects a bad setting and names it (%#)', (patch, setting) => {
    expect(() => validateAlertConfig({ ...DEFAULT_MARKET_ALERT_CONFIG, ...(patch as object) })).toThrow(
      expect.objectContaining({ name: AlertConfigError.name, setting }),
    );
  });
});
