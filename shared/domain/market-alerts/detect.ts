import { parseInterval } from '../intervals.js';
import type { Bar } from '../types.js';
import { type AlertThresholds, type MarketAlertConfig, thresholdsFor } from './thresholds.js';

/** What a market alert is about. */
export type MarketAlertKind = 'price-move' | 'quiet-feed' | 'late-spike';

/** One alert: the symbol, the bar and the threshold that was crossed, with the value observed. */
export interface MarketAlert {
  /** `kind|symbol|interval|windowStart`: the same anomaly always has the same id, so a re-scan repeats it. */
  readonly id: string;
  readonly kind: MarketAlertKind;
  readonly symbol: string;
  readonly interval: string;
  /** The symbol class whose thresholds applied (`default` when none matched). */
  readonly symbolClass: string;
  /** The bar the alert is about (for a quiet feed, the last bar before the silence). */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly bar?: Bar;
  readonly threshold: { readonly name: keyof AlertThresholds; readonly value: number };
  /** |z| of the move, the silence in ms, or the late ticks counted. */
  readonly observed: number;
  readonly message: string;
}

/** One symbol's closed bars of the watched interval and the watermarks its late ticks met. */
export interface SymbolSeries {
  readonly symbol: string;
  /** Closed bars of one tumbling interval, any order. */
  readonly bars: readonly Bar[];
  /** For each late tick of that interval, the symbol's watermark when it arrived (it trails the newest tick by the allowed lateness). */
  readonly lateWatermarks: readonly number[];
}

/**
 * The market alerts of one symbol's closed bars, a pure function of its bars and late ticks and of
 * `asOf`, so scanning the same outputs again gives the same alerts with the same ids.
 *
 * - price move: the bar's close-to-close log return, scaled by √(intervals elapsed) so a return over
 *   a gap is not mistaken for a jump, further than `sigma` standard deviations from the mean of the
 *   previous `lookbackBars` returns (returns that raised an alert are left out of that history);
 * - quiet feed: no bar for `quietAfterMs` of event time between two bars, and, when `asOf` is given
 *   (the stream's event time: the latest window end over all symbols, once every window is closed),
 *   up to `asOf`. While the stream runs, a silent symbol's last bars stay open for the allowed
 *   lateness, so its last closed bar is not where its silence began: there the silence up to now is
 *   judged from its newest tick ({@link detectQuietFeeds}) and `asOf` is left out;
 * - late spike: more than `maxLatePerBar` late ticks arriving while the symbol's watermark stood in
 *   one bar's window (the alert names that bar).
 *
 * @example detectMarketAlerts({ symbol: 'AAPL', bars, lateWatermarks: [] }, DEFAULT_MARKET_ALERT_CONFIG, asOf)
 */
export function detectMarketAlerts(
  series: SymbolSeries,
  config: MarketAlertConfig,
  asOf?: number,
): MarketAlert[] {
  const bars = [...series.bars].sort((a, b) => a.windowStart - b.windowStart);
  if (bars.length === 0) return [];
  const t = thresholdsFor(config, series.symbol);
  const ctx = { symbol: series.symbol, interval: config.interval, symbolClass: t.class };
  const intervalMs = bars[0]!.windowEnd - bars[0]!.windowStart;
  const alerts: MarketAlert[] = [
    ...priceMoves(bars, intervalMs, t, ctx),
    ...quietFeeds(bars, asOf, t, ctx),
    ...lateSpikes(bars, series.lateWatermarks, intervalMs, t, ctx),
  ];
  return alerts.sort((a, b) => a.windowStart - b.windowStart || a.kind.localeCompare(b.kind));
}

type Ctx = Pick<MarketAlert, 'symbol' | 'interval' | 'symbolClass'>;

function alert(
  ctx: Ctx,
  kind: MarketAlertKind,
  at: { windowStart: number; windowEnd: number; bar?: Bar },
  threshold: MarketAlert['threshold'],
  observed: number,
  message: string,
): MarketAlert {
  return {
    id: [kind, ctx.symbol, ctx.interval, at.windowStart].join('|'),
    kind,
    ...ctx,
    windowStart: at.windowStart,
    windowEnd: at.windowEnd,
    ...(at.bar ? { bar: at.bar } : {}),
    threshold,
    observed,
    message: `${ctx.symbol} ${ctx.interval} bar ${new Date(at.windowStart).toISOString()}: ${message}`,
  };
}

function priceMoves(bars: readonly Bar[], intervalMs: number, t: AlertThresholds, ctx: Ctx): MarketAlert[] {
  const out: MarketAlert[] = [];
  const history: number[] = [];
  for (let i = 1; i < bars.length; i++) {
    const prev = bars[i - 1]!;
    const bar = bars[i]!;
    const elapsed = Math.max(1, (bar.windowStart - prev.windowStart) / intervalMs);
    const r = Math.log(bar.close / prev.close) / Math.sqrt(elapsed);
    const recent = history.slice(-t.lookbackBars);
    const { mean, sd } = meanAndDeviation(recent);
    const z = sd > 0 ? (r - mean) / sd : 0;
    if (recent.length >= t.minHistoryBars && Math.abs(z) > t.sigma) {
      const pct = ((bar.close / prev.close - 1) * 100).toFixed(2);
      out.push(
        alert(
          ctx,
          'price-move',
          { ...bar, bar },
          { name: 'sigma', value: t.sigma },
          Math.abs(z),
          `close ${prev.close} → ${bar.close} (${pct}%), ${Math.abs(z).toFixed(1)} standard deviations of the last ${recent.length} returns (threshold ${t.sigma})`,
        ),
      );
    } else history.push(r);
  }
  return out;
}

function quietFeeds(
  bars: readonly Bar[],
  asOf: number | undefined,
  t: AlertThresholds,
  ctx: Ctx,
): MarketAlert[] {
  const out: MarketAlert[] = [];
  const push = (a: MarketAlert | undefined) => a && out.push(a);
  for (let i = 1; i < bars.length; i++)
    push(
      quietAlert(
        ctx,
        t,
        bars[i - 1]!,
        bars[i - 1],
        bars[i]!.windowStart,
        `resumed ${iso(bars[i]!.windowStart)}`,
      ),
    );
  if (asOf !== undefined)
    push(quietAlert(ctx, t, bars.at(-1)!, bars.at(-1), asOf, `still quiet at ${iso(asOf)}`));
  return out;
}

/** The quiet-feed alert of a silence from the end of the `last` window (its bar when known) to `until`, if long enough. */
function quietAlert(
  ctx: Ctx,
  t: AlertThresholds,
  last: { readonly windowStart: number; readonly windowEnd: number },
  bar: Bar | undefined,
  until: number,
  note: string,
): MarketAlert | undefined {
  const silence = until - last.windowEnd;
  if (silence < t.quietAfterMs) return undefined;
  return alert(
    ctx,
    'quiet-feed',
    { windowStart: last.windowStart, windowEnd: last.windowEnd, bar },
    { name: 'quietAfterMs', value: t.quietAfterMs },
    silence,
    `no tick for ${Math.round(silence / 1000)} s after this bar (${note}; threshold ${t.quietAfterMs / 1000} s)`,
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A symbol's newest tick, in event time (what its aggregation state records). */
export interface LastTick {
  readonly symbol: string;
  readonly ts: number;
}

/**
 * Quiet feeds judged from each symbol's newest tick instead of its closed bars, so a feed that stays
 * silent is alerted while it is silent: its bars stop changing, and a scan of the bars that changed
 * never reads it again. The last bar before the silence is the latest window of the watched interval
 * holding the newest tick; `asOf` defaults to the latest such window end over all the symbols (the
 * stream's event time, as {@link detectMarketAlerts} takes the latest bar end). The rule and the id are
 * the bar-based rule's (`quiet-feed|symbol|interval|windowStart`), so one silence is one alert
 * whichever of the two finds it first, and a symbol that ticks again and falls silent again is a new
 * one. The bar itself is not known here (it may still be open): the alert names its window only.
 *
 * @example detectQuietFeeds([{ symbol: 'AAPL', ts }], DEFAULT_MARKET_ALERT_CONFIG)
 * @throws InvalidIntervalError when the config's interval is not an interval label.
 */
export function detectQuietFeeds(
  lastTicks: readonly LastTick[],
  config: MarketAlertConfig,
  asOf?: number,
): MarketAlert[] {
  const { sizeMs, slideMs } = parseInterval(config.interval);
  const windows = lastTicks.map((l) => {
    const windowStart = Math.floor(l.ts / slideMs) * slideMs;
    return { symbol: l.symbol, windowStart, windowEnd: windowStart + sizeMs };
  });
  let end = asOf ?? Number.NEGATIVE_INFINITY;
  if (asOf === undefined) for (const w of windows) end = Math.max(end, w.windowEnd);
  const out: MarketAlert[] = [];
  for (const w of windows) {
    const t = thresholdsFor(config, w.symbol);
    const ctx = { symbol: w.symbol, interval: config.interval, symbolClass: t.class };
    const a = quietAlert(ctx, t, w, undefined, end, `newest tick in this bar, still quiet at ${iso(end)}`);
    if (a) out.push(a);
  }
  return out.sort((a, b) => a.windowStart - b.windowStart || a.id.localeCompare(b.id));
}

function lateSpikes(
  bars: readonly Bar[],
  lateWatermarks: readonly number[],
  intervalMs: number,
  t: AlertThresholds,
  ctx: Ctx,
): MarketAlert[] {
  const offset = ((bars[0]!.windowStart % intervalMs) + intervalMs) % intervalMs;
  const perWindow = new Map<number, number>();
  for (const w of lateWatermarks) {
    const start = Math.floor((w - offset) / intervalMs) * intervalMs + offset;
    perWindow.set(start, (perWindow.get(start) ?? 0) + 1);
  }
  const byStart = new Map(bars.map((b) => [b.windowStart, b]));
  const out: MarketAlert[] = [];
  for (const [windowStart, count] of perWindow) {
    if (count <= t.maxLatePerBar) continue;
    const bar = byStart.get(windowStart);
    out.push(
      alert(
        ctx,
        'late-spike',
        { windowStart, windowEnd: windowStart + intervalMs, bar },
        { name: 'maxLatePerBar', value: t.maxLatePerBar },
        count,
        `${count} late ticks arrived while the watermark stood in this bar (threshold ${t.maxLatePerBar})`,
      ),
    );
  }
  return out;
}

function meanAndDeviation(xs: readonly number[]): { mean: number; sd: number } {
  if (xs.length < 2) return { mean: 0, sd: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}
