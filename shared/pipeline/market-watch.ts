import {
  detectMarketAlerts,
  detectQuietFeeds,
  type LastTick,
  type MarketAlert,
  type MarketAlertConfig,
  type SymbolSeries,
} from '../domain/market-alerts/index.js';
import type { Bar } from '../domain/types.js';
import { parsePartitionPath, utcDate } from '../lake/index.js';
import { runLimited } from './concurrency.js';
import type { AlertPublisher, MarketSeriesSource, QuietFeedIndex, SentAlertLog } from './ports.js';

/**
 * Market alerts from closed bars (docs/market-alerts.md): reads each symbol's closed bars and late
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
    /** The silences already alerted, kept between rounds; without it every quiet feed found is published. */
    private readonly quietIndex?: QuietFeedIndex,
  ) {}

  /**
   * A round's watch. The partitions' alerts: the symbols whose `bars/` or `late/` partitions of the
   * watched interval are among these lake keys (the local run's whole lake, or the partitions a
   * materializer round rewrote), scanned over those partitions' dates; `dayBefore` adds the day before
   * each, so the lookback of a bar just past midnight has its history (other keys are ignored). And the
   * quiet feeds of every symbol judged from its newest tick (`detectQuietFeeds`), which finds a feed
   * that stays silent while its partitions no longer change (the bars judge only the silences between
   * two of them: a silent symbol's last bars stay open for the allowed lateness). An alert both find
   * (same id) counts once. With a quiet-feed index, a silence it records as alerted is not handed to the publisher
   * again (no read per silent symbol per round); the index is rewritten, after publishing, only when the
   * set of alerted silences changed (a symbol that ticks again leaves it).
   */
  async watch(
    keys: readonly string[],
    lastTicks: readonly LastTick[],
    options: { dayBefore?: boolean } = {},
  ): Promise<MarketAlert[]> {
    const series = await this.readPartitions(keys, options);
    const found = series.flatMap((s) => detectMarketAlerts(s, this.config));
    const ids = new Set(found.map((a) => a.id));
    const barsRead = new Map(
      series.flatMap((s) => s.bars.map((b) => [`${b.symbol}|${b.windowStart}`, b] as const)),
    );
    // The last bar before the silence, when it is closed and this round read it.
    const quiet = detectQuietFeeds(lastTicks, this.config).map((a) => {
      const bar = barsRead.get(`${a.symbol}|${a.windowStart}`);
      return bar ? { ...a, bar } : a;
    });
    const alerted = (await this.quietIndex?.read()) ?? new Map<string, number>();
    const fresh = quiet.filter((a) => !ids.has(a.id) && alerted.get(a.symbol) !== a.windowStart);
    const toSend = [...found, ...fresh].sort(byTime);
    if (toSend.length > 0) await this.publisher.publish(toSend);
    // Published: every current silence has been alerted, in this round or before.
    const now = new Map(quiet.map((a) => [a.symbol, a.windowStart]));
    if (this.quietIndex && !sameEntries(now, alerted)) await this.quietIndex.write(now);
    return [...found, ...quiet.filter((a) => !ids.has(a.id))].sort(byTime);
  }

  private readPartitions(keys: readonly string[], options: { dayBefore?: boolean }): Promise<SymbolSeries[]> {
    const symbols = new Set<string>();
    const dates = new Set<string>();
    for (const key of keys) {
      // Only bar and late partitions name an interval; other prefixes (bronze's `_marks/`) are not datasets.
      if (!key.startsWith('bars/') && !key.startsWith('late/')) continue;
      const { partition } = parsePartitionPath(key);
      if (partition.interval !== this.config.interval) continue;
      symbols.add(partition.symbol!);
      dates.add(partition.date!);
      if (options.dayBefore) dates.add(utcDate(Date.parse(`${partition.date}T00:00:00Z`) - 86_400_000));
    }
    return this.read([...symbols].sort(), [...dates].sort());
  }

  /** Each symbol's closed bars and late ticks of the watched interval over these UTC event dates. */
  private async read(symbols: readonly string[], dates: readonly string[]): Promise<SymbolSeries[]> {
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
    return series;
  }
}

const byTime = (a: MarketAlert, b: MarketAlert) => a.windowStart - b.windowStart || a.id.localeCompare(b.id);

function sameEntries(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/**
 * Sends each alert once: skips the ids the log has, publishes each other alert, then records it.
 * Recording after publishing makes delivery at-least-once: a run that dies between the two (or whose
 * record write fails) publishes that alert again on the next round, under the same id for subscribers
 * to deduplicate; recording first would lose the alert instead, and an alert nobody sees is the worse
 * failure. Two rounds never run at once (the materializer's run lease), so they do not race.
 */
export class OnceAlertPublisher implements AlertPublisher {
  constructor(
    private readonly log: SentAlertLog,
    private readonly publisher: AlertPublisher,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(alerts: readonly MarketAlert[]): Promise<void> {
    const sent = await this.log.sent(alerts.map((a) => a.id));
    for (const alert of alerts) {
      if (sent.has(alert.id)) continue;
      await this.publisher.publish([alert]);
      sent.add(alert.id);
      await this.log.record(alert, this.now());
    }
  }
}
