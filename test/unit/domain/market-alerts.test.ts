import { describe, expect, it } from 'vitest';
import { aggregateAll } from '../../../shared/domain/aggregate-all.js';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import { parseIntervals } from '../../../shared/domain/intervals.js';
import {
  AlertConfigError,
  DEFAULT_MARKET_ALERT_CONFIG,
  detectMarketAlerts,
  detectQuietFeeds,
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

describe("quiet feeds from each symbol's newest tick", () => {
  const MIN = 60_000;
  const T = Date.UTC(2024, 2, 1, 10);

  it("alerts a feed silent for the threshold up to the stream's event time, naming the window of its newest tick", () => {
    // AAPL's newest tick is in 10:03; the stream's event time is the end of MSFT's 10:09 window.
    const last = [
      { symbol: 'AAPL', ts: T + 3 * MIN + 59_999 },
      { symbol: 'MSFT', ts: T + 9 * MIN + 1 },
    ];
    const [quiet, ...rest] = detectQuietFeeds(last, DEFAULT_MARKET_ALERT_CONFIG);
    expect(rest).toEqual([]);
    expect(quiet).toMatchObject({
      id: `quiet-feed|AAPL|1m|${T + 3 * MIN}`,
      kind: 'quiet-feed',
      windowStart: T + 3 * MIN,
      windowEnd: T + 4 * MIN,
      threshold: { name: 'quietAfterMs', value: 300_000 },
      observed: 6 * MIN,
    });
    expect(quiet!.bar).toBeUndefined();
    // One window less of silence is under the threshold… exactly the threshold is quiet.
    expect(detectQuietFeeds(last, DEFAULT_MARKET_ALERT_CONFIG, T + 8 * MIN)).toHaveLength(0);
    expect(detectQuietFeeds(last, DEFAULT_MARKET_ALERT_CONFIG, T + 9 * MIN)).toHaveLength(1);
  });

  it('gives a silence the id the bar-based rule gives it, so either finding it is one alert', () => {
    const { options, expectedAlertIds } = anomalyScenario();
    const ticks: Tick[] = [...new MarketSimulator(options).records()].map(
      (r) => r.payload as unknown as Tick,
    );
    const newest = new Map<string, number>();
    for (const t of ticks) newest.set(t.symbol, Math.max(newest.get(t.symbol) ?? 0, t.ts));
    const lastTicks = [...newest].map(([symbol, ts]) => ({ symbol, ts }));
    // The symbol silent to the end, and no other: the silence that ended is not one any more.
    expect(detectQuietFeeds(lastTicks, DEFAULT_MARKET_ALERT_CONFIG).map((a) => a.id)).toEqual(
      alertsOf(options)
        .filter((a) => a.kind === 'quiet-feed' && a.message.includes('still quiet'))
        .map((a) => a.id),
    );
    expect(expectedAlertIds).toContain(detectQuietFeeds(lastTicks, DEFAULT_MARKET_ALERT_CONFIG)[0]!.id);
  });

  it("applies the class threshold and a sliding interval's latest window holding the tick", () => {
    const config = validateAlertConfig({
      interval: '5m_1m',
      defaults: DEFAULT_MARKET_ALERT_CONFIG.defaults,
      classes: [{ name: 'slow', symbols: ['BOND-*'], thresholds: { quietAfterMs: 60 * MIN } }],
    });
    const last = [
      { symbol: 'BOND-10Y', ts: T + 30_000 },
      { symbol: 'EQ', ts: T + 30_000 },
    ];
    const alerts = detectQuietFeeds(last, config, T + 20 * MIN);
    expect(alerts.map((a) => [a.id, a.windowEnd, a.symbolClass])).toEqual([
      [`quiet-feed|EQ|5m_1m|${T}`, T + 5 * MIN, 'default'],
    ]);
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
