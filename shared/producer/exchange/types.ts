/**
 * What a venue's WebSocket frames mean to the producer, independent of the venue: pure data shared
 * by the venue mappings (binance.ts, coinbase.ts) and the WebSocket adapter
 * (shared/adapters/exchange-feed.ts).
 */

/** One trade, mapped to the tick contract (docs/stream-contract.md, "Ticks"). */
export interface VenueTrade {
  /** The normalised tick symbol, `BASE-QUOTE` upper case (`BTC-USDT`). */
  readonly symbol: string;
  /** The venue's trade id: consecutive per symbol on both venues, so a jump is a gap. */
  readonly tradeId: number;
  /** The venue's trade time, epoch ms UTC. */
  readonly ts: number;
  /** Decimal text as the venue sends it (the validator accepts decimal strings). */
  readonly price: string;
  readonly size: string;
}

/** A parsed frame. `malformed` frames are counted and logged, never published. */
export type FeedEvent =
  | { readonly kind: 'trade'; readonly trade: VenueTrade }
  /** The venue confirmed the subscription. */
  | { readonly kind: 'subscribed' }
  /** The venue refused the subscription (bad symbol, bad request): retrying cannot help. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** A per-symbol liveness message naming the venue's newest trade id (Coinbase `heartbeat`). */
  | { readonly kind: 'heartbeat'; readonly symbol: string; readonly lastTradeId: number }
  /** A message of a type the feed does not use (venues add types at any time). */
  | { readonly kind: 'ignored' }
  | { readonly kind: 'malformed'; readonly reason: string };

/** One venue's public trade stream. */
export interface Venue {
  readonly name: VenueName;
  /** The production endpoint the adapter connects to unless told otherwise. */
  readonly defaultUrl: string;
  /** How users write symbols for this venue, for `--help` and error messages. */
  readonly symbolFormat: string;
  /** The venue's own spelling of a user-given symbol; throws {@link InvalidVenueSymbolError}. */
  venueSymbol(input: string): string;
  /** The frames to send after (re)connecting, in order. */
  subscribeFrames(venueSymbols: readonly string[]): string[];
  /** Maps one text frame. Never throws: bad frames are `malformed`. */
  parse(frame: string): FeedEvent;
}

export const VENUE_NAMES = ['binance', 'coinbase'] as const;
export type VenueName = (typeof VENUE_NAMES)[number];

/** A symbol the venue cannot have, found before connecting. */
export class InvalidVenueSymbolError extends Error {
  constructor(
    readonly venue: VenueName,
    readonly symbol: string,
    readonly format: string,
  ) {
    super(`"${symbol}" is not a ${venue} symbol: ${format}`);
    this.name = 'InvalidVenueSymbolError';
  }
}
