import {
  detectMarketAlerts,
  type MarketAlert,
  type MarketAlertConfig,
  type SymbolSeries,
} from '../domain/market-alerts/index.js';
import type { Bar } from '../domain/types.js';
import { runLimited } from './concurrency.js';
import type { AlertPublisher, MarketSeriesSource } from './ports.js';

/**
 * Market alerts from closed bars (README "Market alerts"): reads each symbol's closed bars and late
 * ticks of the watched interval back from the outputs, runs the pure detector
 * ({@link detectMarketAlerts}) over them and publishes what it finds.
 *
 * It reads committed outputs only, which the aggregator writes exactly once per bar identity (a
 * redelivered batch rewrites the same items), so a scan is a pure function of the stream so far:
 * scanning again after a retry finds the same alerts under the same ids.
 */
export class MarketWatch {
  constructor(
    private readonly source: MarketSeriesSource,
    private readonly config: MarketAlertConfig,
    private readonly publisher: AlertPublisher,
  ) {}

  /** Scans the symbols over these UTC event dates; `asOf` defaults to the latest bar end read. */
  async scan(symbols: readonly string[], dates: readonly string[], asOf?: number): Promise<MarketAlert[]> {
    const { interval } = this.config;
    const series: SymbolSeries[] = [];
    await runLimited(symbols, 8, async (symbol) => {
      const bars: Bar[] = [];
      const lateWatermarks: number[] = [];
      for (const date of dates) {
        bars.push(...(await this.source.closedBars(symbol, interval, date)));
        lateWatermarks.push(...(await this.source.lateWatermarks(symbol, interval, date)));
      }
      series.push({ symbol, bars, lateWatermarks });
    });
    let end = asOf ?? Number.NEGATIVE_INFINITY;
    if (asOf === undefined) for (const s of series) for (const b of s.bars) end = Math.max(end, b.windowEnd);
    const alerts = series
      .flatMap((s) => detectMarketAlerts(s, this.config, end))
      .sort((a, b) => a.windowStart - b.windowStart || a.id.localeCompare(b.id));
    if (alerts.length > 0) await this.publisher.publish(alerts);
    return alerts;
  }
}
