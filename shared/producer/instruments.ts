/**
 * The simulated market: instruments with realistic starting prices, annualised volatilities, tick
 * sizes and trade-size distributions per asset class. Symbols use each venue's spelling
 * (`BTC-USDT`, `EUR/USD`, `XAU:USD`, `AAPL`) so every character the stream contract allows is exercised.
 */

export type AssetClass = 'crypto' | 'forex' | 'metal' | 'stock';

/** Trade sizes are log-normal around a median, rounded to the lot step, never below one step. */
export interface SizeModel {
  readonly median: number;
  /** σ of ln(size): how heavy the tail of big trades is. */
  readonly sigma: number;
  readonly step: number;
}

export interface Instrument {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly startPrice: number;
  /** Annualised volatility σ of the geometric Brownian motion. */
  readonly volatility: number;
  /** Minimum price increment; prices are rounded to it. */
  readonly tickSize: number;
  readonly size: SizeModel;
}

const SIZES: Record<AssetClass, SizeModel> = {
  // Base-currency amounts; tails are heavy on exchanges (a few whales, many small fills).
  crypto: { median: 0.05, sigma: 1.6, step: 0.00001 },
  // Units of the base currency; interbank tickets are 1k–10M, around 100k.
  forex: { median: 100_000, sigma: 1.0, step: 1_000 },
  // Troy ounces.
  metal: { median: 5, sigma: 1.0, step: 1 },
  // Shares: many odd lots, round lots of 100, occasional blocks.
  stock: { median: 100, sigma: 1.2, step: 1 },
};

const crypto = (symbol: string, startPrice: number, volatility: number, tickSize: number): Instrument => ({
  symbol,
  assetClass: 'crypto',
  startPrice,
  volatility,
  tickSize,
  size: symbol.startsWith('BTC') ? { ...SIZES.crypto, median: 0.01 } : SIZES.crypto,
});
const forex = (symbol: string, startPrice: number, volatility: number, tickSize: number): Instrument => ({
  symbol,
  assetClass: 'forex',
  startPrice,
  volatility,
  tickSize,
  size: SIZES.forex,
});
const metal = (symbol: string, startPrice: number, volatility: number, tickSize: number): Instrument => ({
  symbol,
  assetClass: 'metal',
  startPrice,
  volatility,
  tickSize,
  size: SIZES.metal,
});
const stock = (symbol: string, startPrice: number, volatility: number): Instrument => ({
  symbol,
  assetClass: 'stock',
  startPrice,
  volatility,
  tickSize: 0.01,
  size: SIZES.stock,
});

/**
 * The catalogue, interleaved by asset class so that `--symbols 4` already covers crypto, FOREX,
 * metals and stocks. Earlier entries get more trades (Zipf rank).
 */
export const INSTRUMENTS: readonly Instrument[] = [
  crypto('BTC-USDT', 65_000, 0.6, 0.01),
  forex('EUR/USD', 1.085, 0.07, 0.00001),
  metal('XAU:USD', 2_350, 0.15, 0.01),
  stock('AAPL', 190, 0.25),
  crypto('ETH-USDT', 3_400, 0.75, 0.01),
  forex('GBP/USD', 1.27, 0.08, 0.00001),
  stock('NVDA', 120, 0.5),
  crypto('SOL-USDT', 150, 1.0, 0.01),
  forex('USD/JPY', 151.2, 0.09, 0.001),
  metal('XAG:USD', 28, 0.25, 0.001),
  stock('MSFT', 420, 0.22),
  crypto('BNB-USDT', 580, 0.7, 0.01),
  forex('AUD/USD', 0.66, 0.1, 0.00001),
  stock('AMZN', 180, 0.3),
  crypto('XRP-USDT', 0.52, 0.9, 0.0001),
  forex('USD/CHF', 0.9, 0.07, 0.00001),
  metal('XPT:USD', 980, 0.22, 0.01),
  stock('TSLA', 175, 0.55),
  crypto('DOGE-USDT', 0.15, 1.1, 0.00001),
  stock('GOOGL', 170, 0.28),
  forex('USD/CAD', 1.36, 0.06, 0.00001),
  stock('META', 480, 0.35),
  crypto('ADA-USDT', 0.45, 0.95, 0.0001),
  stock('JPM', 195, 0.2),
];

/**
 * The first `count` instruments; beyond the catalogue, synthetic stocks `SIM0025`, `SIM0026`, …
 * with prices and volatilities drawn from `uniform` (a seeded source), so any `--symbols N` works.
 */
export function pickInstruments(count: number, uniform: (min: number, max: number) => number): Instrument[] {
  const picked = INSTRUMENTS.slice(0, count);
  for (let i = picked.length + 1; i <= count; i++) {
    const price = Math.round(Math.exp(uniform(Math.log(5), Math.log(800))) * 100) / 100;
    picked.push(stock(`SIM${String(i).padStart(4, '0')}`, price, uniform(0.15, 0.6)));
  }
  return picked;
}

/** Rounds to a multiple of `step`, printed without binary noise (1.08500000001 → 1.085). */
export function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Number((Math.round(value / step) * step).toFixed(decimals));
}
