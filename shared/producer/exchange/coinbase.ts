import { decimalOf, excerpt, frameObject, malformed, tradeIdOf, tradeTimeOf } from './frames.js';
import { type FeedEvent, InvalidVenueSymbolError, type Venue } from './types.js';

/**
 * Coinbase Exchange, `matches` channel, as published in the Exchange WebSocket feed docs
 * (https://docs.cdp.coinbase.com/exchange/websocket-feed/overview and
 * https://docs.cdp.coinbase.com/exchange/websocket-feed/channels):
 *
 * - endpoint `wss://ws-feed.exchange.coinbase.com`; a client must subscribe within 5 seconds of
 *   connecting or is disconnected: `{"type":"subscribe","product_ids":["BTC-USD"],"channels":
 *   ["matches","heartbeat"]}`, answered by `{"type":"subscriptions","channels":[…]}`;
 * - a refused subscription is `{"type":"error","message":"Failed to subscribe","reason":"XYZ-USD is
 *   not a valid product"}`;
 * - a trade is `{"type":"match","trade_id":10,"sequence":50,"maker_order_id":…,"taker_order_id":…,
 *   "time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23",
 *   "side":"sell"}`; right after subscribing, the newest trade comes as `"type":"last_match"`;
 * - the `heartbeat` channel sends `{"type":"heartbeat","sequence":90,"last_trade_id":20,
 *   "product_id":"BTC-USD","time":…}` every second per product, so a quiet product still proves the
 *   connection alive and names its newest trade (a gap shows even without another match);
 * - clients must ignore message types they do not know.
 *
 * Trade ids are consecutive per product.
 */

const PRODUCT = /^[A-Z0-9]{1,15}-[A-Z0-9]{1,15}$/;
const FORMAT = 'a product id, BASE-QUOTE, e.g. BTC-USD or eth-eur';

export const coinbase: Venue = {
  name: 'coinbase',
  defaultUrl: 'wss://ws-feed.exchange.coinbase.com',
  symbolFormat: FORMAT,

  venueSymbol(input) {
    const product = input.trim().toUpperCase();
    if (!PRODUCT.test(product)) throw new InvalidVenueSymbolError('coinbase', input, FORMAT);
    return product;
  },

  subscribeFrames(venueSymbols) {
    return [
      JSON.stringify({ type: 'subscribe', product_ids: venueSymbols, channels: ['matches', 'heartbeat'] }),
    ];
  },

  parse(frame): FeedEvent {
    const m = frameObject(frame);
    if (typeof m === 'string') return malformed(m);
    switch (m.type) {
      case 'match':
      case 'last_match':
        return match(m, frame);
      case 'subscriptions':
        return { kind: 'subscribed' };
      case 'error':
        return {
          kind: 'refused',
          reason: `Coinbase: ${String(m.message)}${m.reason ? `: ${String(m.reason)}` : ''}`,
        };
      case 'heartbeat': {
        const lastTradeId = tradeIdOf(m.last_trade_id);
        if (typeof m.product_id !== 'string' || lastTradeId === undefined) {
          return malformed(`Coinbase heartbeat without product_id or last_trade_id: ${excerpt(frame)}`);
        }
        return { kind: 'heartbeat', symbol: m.product_id, lastTradeId };
      }
      default:
        return { kind: 'ignored' };
    }
  },
};

function match(m: Record<string, unknown>, frame: string): FeedEvent {
  const tradeId = tradeIdOf(m.trade_id);
  const ts = tradeTimeOf(m.time);
  const price = decimalOf(m.price);
  const size = decimalOf(m.size);
  if (typeof m.product_id !== 'string' || tradeId === undefined || ts === undefined || !price || !size) {
    return malformed(`Coinbase match without a product_id, trade_id, time, price or size: ${excerpt(frame)}`);
  }
  return { kind: 'trade', trade: { symbol: m.product_id.toUpperCase(), tradeId, ts, price, size } };
}
