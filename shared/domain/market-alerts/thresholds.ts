/**
 * Market-alert thresholds (docs/market-alerts.md): one set by default and overrides per symbol class,
 * a class being a list of symbol patterns (`*` matches any run of characters). Pure data and validation.
 */

/** When a symbol's closed bars raise an alert. */
export interface AlertThresholds {
  /** A bar's close-to-close log return beyond this many standard deviations of the recent returns. */
  readonly sigma: number;
  /** Returns the standard deviation is taken over (the bars before the one tested). */
  readonly lookbackBars: number;
  /** Returns needed before a move can be judged: fewer, and no move alert is raised. */
  readonly minHistoryBars: number;
  /** Event time without a closed bar (no tick) after which the feed is quiet, ms. */
  readonly quietAfterMs: number;
  /** Late ticks arriving while the symbol's watermark stood in one bar window, more than which is a spike. */
  readonly maxLatePerBar: number;
}

/** A named class of symbols with its own thresholds (only the ones it changes). */
export interface SymbolClass {
  readonly name: string;
  /** Symbol patterns, `*` a wildcard: `BTC-*`, `EUR/*`, `AAPL`. */
  readonly symbols: readonly string[];
  readonly thresholds: Partial<AlertThresholds>;
}

export interface MarketAlertConfig {
  /** The interval whose closed bars are watched (a tumbling interval such as `1m`). */
  readonly interval: string;
  readonly defaults: AlertThresholds;
  /** Checked in order: the first class with a matching pattern applies. */
  readonly classes: readonly SymbolClass[];
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  sigma: 6,
  lookbackBars: 30,
  minHistoryBars: 10,
  quietAfterMs: 5 * 60_000,
  maxLatePerBar: 20,
};

export const DEFAULT_MARKET_ALERT_CONFIG: MarketAlertConfig = {
  interval: '1m',
  defaults: DEFAULT_ALERT_THRESHOLDS,
  classes: [],
};

/** A threshold out of range; `setting` names it as the config file or flag spells it. */
export class AlertConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`market alerts: ${setting} = ${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'AlertConfigError';
  }
}

/** The thresholds that apply to a symbol: its first matching class over the defaults. */
export function thresholdsFor(
  config: MarketAlertConfig,
  symbol: string,
): AlertThresholds & { class: string } {
  const cls = config.classes.find((c) => c.symbols.some((p) => globMatch(p, symbol)));
  return { ...config.defaults, ...(cls?.thresholds ?? {}), class: cls?.name ?? 'default' };
}

/** A config file's or setting's market alerts: any of `interval`, `defaults` (some thresholds), `classes`. */
export interface PartialAlertConfig {
  readonly interval?: string;
  readonly defaults?: Partial<AlertThresholds>;
  readonly classes?: readonly SymbolClass[];
}

/**
 * The config a partial one gives over `base`: its interval and classes replace base's, its defaults
 * override base's one by one. Refuses keys other than those three, then validates the result
 * ({@link validateAlertConfig}).
 */
export function mergeAlertConfig(
  partial: PartialAlertConfig,
  base: MarketAlertConfig = DEFAULT_MARKET_ALERT_CONFIG,
): MarketAlertConfig {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial))
    throw new AlertConfigError('(market alerts)', partial, 'an object with interval, defaults, classes');
  const unknown = Object.keys(partial).filter((k) => !['interval', 'defaults', 'classes'].includes(k));
  if (unknown.length > 0)
    throw new AlertConfigError(
      unknown[0]!,
      partial[unknown[0] as never],
      'no such setting (interval, defaults, classes)',
    );
  return validateAlertConfig({
    interval: partial.interval ?? base.interval,
    defaults: { ...base.defaults, ...(partial.defaults ?? {}) },
    classes: partial.classes ?? base.classes,
  });
}

/** Checks every threshold of the config; throws {@link AlertConfigError} naming the first bad one. */
export function validateAlertConfig(config: MarketAlertConfig): MarketAlertConfig {
  if (typeof config.interval !== 'string' || config.interval === '')
    throw new AlertConfigError('interval', config.interval, 'an interval label such as 1m');
  checkThresholds('defaults', config.defaults, true);
  config.classes.forEach((c, i) => {
    const at = `classes[${i}]`;
    if (typeof c.name !== 'string' || c.name === '')
      throw new AlertConfigError(`${at}.name`, c.name, 'a name');
    if (!Array.isArray(c.symbols) || c.symbols.length === 0 || c.symbols.some((s) => typeof s !== 'string'))
      throw new AlertConfigError(`${at}.symbols`, c.symbols, 'a non-empty list of symbol patterns');
    checkThresholds(`${at}.thresholds`, c.thresholds, false);
  });
  return config;
}

function checkThresholds(at: string, t: Partial<AlertThresholds>, complete: boolean): void {
  const rules: Record<keyof AlertThresholds, [(v: number) => boolean, string]> = {
    sigma: [(v) => v > 0, 'a number > 0'],
    lookbackBars: [(v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2'],
    minHistoryBars: [(v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2'],
    quietAfterMs: [(v) => Number.isInteger(v) && v > 0, 'milliseconds > 0'],
    maxLatePerBar: [(v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0'],
  };
  for (const [key, [ok, expected]] of Object.entries(rules)) {
    const v = (t as Record<string, unknown>)[key];
    if (v === undefined && !complete) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
      throw new AlertConfigError(`${at}.${key}`, v, expected);
  }
  const unknown = Object.keys(t).filter((k) => !(k in rules));
  if (unknown.length > 0)
    throw new AlertConfigError(`${at}.${unknown[0]}`, t[unknown[0] as never], 'no such threshold');
}

function globMatch(pattern: string, symbol: string): boolean {
  const re = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`).test(symbol);
}
