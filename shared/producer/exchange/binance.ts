import { decimalOf, excerpt, frameObject, malformed, tradeIdOf, tradeTimeOf } from './frames.js';
import { type FeedEvent, InvalidVenueSymbolError, type Venue } from './types.js';

/**
 * Binance spot, `<symbol>@trade` streams, as published in "Web Socket Streams for Binance"
 * (https://github.com/binance/binance-spot-api-docs/blob/master/web-socket-streams.md):
 *
 * - endpoint `wss://stream.binance.com:9443/ws`; symbols in stream names are lower case;
 * - live subscribing: `{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}`, answered by
 *   `{"result":null,"id":1}`; a bad request is answered by an error message `{"code":2,"msg":…}`
 *   (newer servers wrap it: `{"error":{"code":2,"msg":…},"id":1}`);
 * - trade payload `{"e":"trade","E":event time,"s":"BNBBTC","t":trade id,"p":"0.001","q":"100",
 *   "T":trade time,"m":true,"M":true}`, or wrapped as `{"stream":…,"data":{…}}` on a combined stream;
 * - the server pings every few minutes and disconnects a client that does not pong (the `ws` client
 *   answers pings by itself); a connection lives at most 24 hours; at most 5 incoming messages per
 *   second per connection, so the subscription is one message.
 *
 * Trade ids (`t`) are consecutive per symbol, which is what gap detection relies on.
 */

/** Quote assets, longest first, that split a Binance symbol into BASE-QUOTE (`BTCUSDT` → `BTC-USDT`). */
const QUOTES = [
  'FDUSD',
  'USDT',
  'USDC',
  'TUSD',
  'BUSD',
  'USDP',
  'EUR',
  'GBP',
  'TRY',
  'BRL',
  'JPY',
  'AUD',
  'BTC',
  'ETH',
  'BNB',
  'DAI',
];

const SYMBOL = /^[a-z0-9]{2,20}$/;
const FORMAT =
  'base and quote asset written together, e.g. btcusdt or BTCUSDT (a dash, BTC-USDT, is also accepted)';

/** `BTCUSDT` → `BTC-USDT` when a known quote asset ends it; otherwise the symbol upper-cased. */
export function binanceTickSymbol(venueSymbol: string): string {
  const upper = venueSymbol.toUpperCase();
  const quote = QUOTES.find((q) => upper.length > q.length && upper.endsWith(q));
  return quote ? `${upper.slice(0, -quote.length)}-${quote}` : upper;
}

export const binance: Venue = {
  name: 'binance',
  defaultUrl: 'wss://stream.binance.com:9443/ws',
  symbolFormat: FORMAT,

  venueSymbol(input) {
    const symbol = input.trim().replace('-', '').toLowerCase();
    if (!SYMBOL.test(symbol)) throw new InvalidVenueSymbolError('binance', input, FORMAT);
    return symbol;
  },

  subscribeFrames(venueSymbols) {
    return [JSON.stringify({ method: 'SUBSCRIBE', params: venueSymbols.map((s) => `${s}@trade`), id: 1 })];
  },

  parse(frame): FeedEvent {
    const object = frameObject(frame);
    if (typeof object === 'string') return malformed(object);
    const message = isObject(object.data) ? object.data : object;
    if (message.e === 'trade') return trade(message, frame);
    if ('result' in message && 'id' in message) return { kind: 'subscribed' };
    const error = isObject(message.error)
      ? message.error
      : 'code' in message && 'msg' in message
        ? message
        : undefined;
    if (error)
      return { kind: 'refused', reason: `Binance error ${String(error.code)}: ${String(error.msg)}` };
    return { kind: 'ignored' };
  },
};

function trade(m: Record<string, unknown>, frame: string): FeedEvent {
  const tradeId = tradeIdOf(m.t);
  const ts = tradeTimeOf(m.T);
  const price = decimalOf(m.p);
  const size = decimalOf(m.q);
  if (typeof m.s !== 'string' || tradeId === undefined || ts === undefined || !price || !size) {
    return malformed(
      `Binance trade without a symbol, trade id, trade time, price or quantity: ${excerpt(frame)}`,
    );
  }
  return { kind: 'trade', trade: { symbol: binanceTickSymbol(m.s), tradeId, ts, price, size } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
