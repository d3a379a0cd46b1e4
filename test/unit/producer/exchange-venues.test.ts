/**
 * The venue mappings against the messages as each venue publishes them (Binance: "Web Socket
 * Streams for Binance", github.com/binance/binance-spot-api-docs, web-socket-streams.md; Coinbase:
 * docs.cdp.coinbase.com/exchange/websocket-feed/channels). The payloads below are the documented
 * examples.
 */
import { describe, expect, it } from 'vitest';
import {
  binance,
  binanceTickSymbol,
  coinbase,
  InvalidVenueSymbolError,
  TradeIdTracker,
  tradeRecord,
} from '../../../shared/producer/exchange/index.js';

describe('binance', () => {
  const documented =
    '{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","b":88,"a":50,"T":1672515782136,"m":true,"M":true}';

  it('maps a trade: normalised symbol, trade time as ts, trade id, decimals as sent', () => {
    expect(binance.parse(documented)).toEqual({
      kind: 'trade',
      trade: { symbol: 'BNB-BTC', tradeId: 12345, ts: 1672515782136, price: '0.001', size: '100' },
    });
  });

  it('unwraps a combined-stream payload', () => {
    expect(binance.parse(`{"stream":"bnbbtc@trade","data":${documented}}`)).toMatchObject({ kind: 'trade' });
  });

  it('reads the subscription answer and both error shapes', () => {
    expect(binance.parse('{"result":null,"id":1}')).toEqual({ kind: 'subscribed' });
    expect(binance.parse('{"code":2,"msg":"Invalid request: too many parameters"}')).toEqual({
      kind: 'refused',
      reason: 'Binance error 2: Invalid request: too many parameters',
    });
    expect(binance.parse('{"error":{"code":2,"msg":"Invalid request"},"id":1}')).toMatchObject({
      kind: 'refused',
    });
  });

  it('ignores other events and calls broken frames malformed', () => {
    expect(binance.parse('{"e":"aggTrade","s":"BNBBTC"}')).toEqual({ kind: 'ignored' });
    expect(binance.parse('not json')).toMatchObject({ kind: 'malformed' });
    expect(binance.parse('[1,2]')).toMatchObject({ kind: 'malformed' });
    expect(binance.parse('{"e":"trade","s":"BNBBTC","t":-1,"p":"1","q":"1","T":1}')).toMatchObject({
      kind: 'malformed',
    });
  });

  it('subscribes with one SUBSCRIBE message to <symbol>@trade streams', () => {
    expect(binance.subscribeFrames(['btcusdt', 'ethusdt'])).toEqual([
      '{"method":"SUBSCRIBE","params":["btcusdt@trade","ethusdt@trade"],"id":1}',
    ]);
  });

  it('accepts btcusdt, BTCUSDT and BTC-USDT, and refuses what cannot be a symbol', () => {
    for (const s of ['btcusdt', 'BTCUSDT', 'BTC-USDT']) expect(binance.venueSymbol(s)).toBe('btcusdt');
    for (const s of ['btc/usdt', 'b', '', 'btc usdt']) {
      expect(() => binance.venueSymbol(s)).toThrow(InvalidVenueSymbolError);
    }
    expect(() => binance.venueSymbol('btc/usdt')).toThrow(
      /not a binance symbol: base and quote asset written together/,
    );
  });

  it('splits symbols at a known quote asset, longest first', () => {
    expect(binanceTickSymbol('BTCUSDT')).toBe('BTC-USDT');
    expect(binanceTickSymbol('BTCFDUSD')).toBe('BTC-FDUSD');
    expect(binanceTickSymbol('ETHBTC')).toBe('ETH-BTC');
    expect(binanceTickSymbol('USDT')).toBe('USDT');
  });
});

describe('coinbase', () => {
  const documented =
    '{"type":"match","trade_id":10,"sequence":50,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23","side":"sell"}';

  it('maps a match, microseconds truncated to milliseconds; last_match likewise', () => {
    const trade = {
      symbol: 'BTC-USD',
      tradeId: 10,
      ts: Date.UTC(2014, 10, 7, 8, 19, 27, 28),
      price: '400.23',
      size: '5.23512',
    };
    expect(coinbase.parse(documented)).toEqual({ kind: 'trade', trade });
    expect(coinbase.parse(documented.replace('"match"', '"last_match"'))).toEqual({ kind: 'trade', trade });
  });

  it('reads subscriptions, the documented subscribe error and heartbeats', () => {
    expect(
      coinbase.parse('{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]}]}'),
    ).toEqual({
      kind: 'subscribed',
    });
    expect(
      coinbase.parse(
        '{"type":"error","message":"Failed to subscribe","reason":"GIBBERISH-USD is not a valid product"}',
      ),
    ).toEqual({
      kind: 'refused',
      reason: 'Coinbase: Failed to subscribe: GIBBERISH-USD is not a valid product',
    });
    expect(
      coinbase.parse(
        '{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}',
      ),
    ).toEqual({ kind: 'heartbeat', symbol: 'BTC-USD', lastTradeId: 20 });
  });

  it('ignores message types it does not use, as the feed asks of clients', () => {
    expect(coinbase.parse('{"type":"ticker","product_id":"BTC-USD"}')).toEqual({ kind: 'ignored' });
    expect(coinbase.parse('{"type":"match","product_id":"BTC-USD"}')).toMatchObject({ kind: 'malformed' });
  });

  it('subscribes to matches and heartbeat for the products', () => {
    expect(JSON.parse(coinbase.subscribeFrames(['BTC-USD'])[0]!)).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['matches', 'heartbeat'],
    });
  });

  it('accepts BASE-QUOTE product ids in any case', () => {
    expect(coinbase.venueSymbol('eth-eur')).toBe('ETH-EUR');
    expect(() => coinbase.venueSymbol('BTCUSD')).toThrow(/not a coinbase symbol: a product id, BASE-QUOTE/);
  });
});

describe('trade ids', () => {
  it('the first id sets the baseline; consecutive ids are next, lower ones repeats, a jump a gap', () => {
    const t = new TradeIdTracker();
    expect(t.observe('A', 10)).toEqual({ kind: 'next' });
    expect(t.observe('A', 11)).toEqual({ kind: 'next' });
    expect(t.observe('A', 11)).toEqual({ kind: 'repeat' });
    expect(t.observe('A', 9)).toEqual({ kind: 'repeat' });
    expect(t.observe('A', 15)).toEqual({
      kind: 'gap',
      gap: { symbol: 'A', fromId: 12, toId: 14, missing: 3 },
    });
    expect(t.observe('B', 100)).toEqual({ kind: 'next' });
  });

  it('a heartbeat past the newest trade (beyond one in flight) is a gap, reported once', () => {
    const t = new TradeIdTracker();
    expect(t.heartbeat('A', 50)).toBeUndefined(); // no baseline yet
    t.observe('A', 10);
    expect(t.heartbeat('A', 11)).toBeUndefined();
    expect(t.heartbeat('A', 0)).toBeUndefined(); // some feeds send 0: unknown
    expect(t.heartbeat('A', 14)).toEqual({ symbol: 'A', fromId: 11, toId: 14, missing: 4 });
    expect(t.heartbeat('A', 14)).toBeUndefined();
  });

  it('a trade becomes a tick keyed by symbol with a venue-qualified id', () => {
    expect(tradeRecord('binance', { symbol: 'BTC-USDT', tradeId: 7, ts: 1, price: '2', size: '3' })).toEqual({
      partitionKey: 'BTC-USDT',
      payload: { symbol: 'BTC-USDT', ts: 1, price: '2', size: '3', id: 'binance-7' },
    });
  });
});
