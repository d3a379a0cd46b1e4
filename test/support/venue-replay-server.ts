/**
 * A local stand-in for an exchange's public WebSocket feed, on 127.0.0.1: it answers a venue's
 * subscribe message as the venue documents it (an acknowledgement, or the venue's error frame for an
 * unknown symbol), then plays one scripted session per connection — trades, duplicates, malformed
 * frames, heartbeats — and ends it the scripted way (an abrupt drop, a clean close, or held open).
 * The frames are written from the venues' published formats (the citations are in
 * shared/producer/exchange/binance.ts and coinbase.ts), not from the code under test.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { VenueName } from '../../shared/producer/exchange/types.js';

/** One trade as the test knows it: the venue symbol, the venue's trade id, and its values. */
export interface ScriptTrade {
  readonly venueSymbol: string;
  readonly tradeId: number;
  readonly ts: number;
  readonly price: string;
  readonly size: string;
}

export type ScriptFrame =
  | { readonly trade: ScriptTrade }
  | { readonly raw: string }
  | { readonly heartbeat: { readonly venueSymbol: string; readonly lastTradeId: number } };

export interface ScriptSession {
  readonly frames: readonly ScriptFrame[];
  /** `drop`: the TCP connection is destroyed without a close frame; `close`: a 1001 close; `hold`: stays open. */
  readonly end: 'drop' | 'close' | 'hold';
}

export interface ReplayServer {
  readonly url: string;
  /** The subscribe messages received, one per connection, parsed. */
  readonly subscriptions: unknown[];
  close(): Promise<void>;
}

/** Binance `<symbol>@trade` payload (raw stream, `/ws`). */
export function binanceTradeFrame(t: ScriptTrade): string {
  return JSON.stringify({
    e: 'trade',
    E: t.ts + 3,
    s: t.venueSymbol.toUpperCase(),
    t: t.tradeId,
    p: t.price,
    q: t.size,
    b: 88,
    a: 50,
    T: t.ts,
    m: true,
    M: true,
  });
}

/** Coinbase Exchange `match` message (microsecond ISO time, as the feed sends). */
export function coinbaseMatchFrame(t: ScriptTrade, sequence: number): string {
  return JSON.stringify({
    type: 'match',
    trade_id: t.tradeId,
    sequence,
    maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
    taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
    time: `${new Date(t.ts).toISOString().slice(0, -1)}459Z`,
    product_id: t.venueSymbol,
    size: t.size,
    price: t.price,
    side: 'sell',
  });
}

/**
 * Starts the server. `known` are the venue symbols it accepts (others get the venue's error frame);
 * connection k plays `sessions[k]` (connections past the script get a held, empty session).
 */
export async function startReplayServer(
  venue: VenueName,
  known: readonly string[],
  sessions: readonly ScriptSession[],
): Promise<ReplayServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const subscriptions: unknown[] = [];
  let connections = 0;
  let sequence = 1;
  server.on('connection', (socket) => {
    const session = sessions[connections++] ?? { frames: [], end: 'hold' };
    socket.once('message', (data) => {
      const request = JSON.parse(String(data)) as Record<string, unknown>;
      subscriptions.push(request);
      const symbols =
        venue === 'binance'
          ? (request.params as string[]).map((p) => p.replace(/@trade$/, ''))
          : (request.product_ids as string[]);
      const unknown = symbols.find((s) => !known.includes(s));
      if (unknown) {
        socket.send(
          venue === 'binance'
            ? JSON.stringify({
                error: { code: 2, msg: `Invalid request: unknown stream ${unknown}@trade` },
                id: request.id,
              })
            : JSON.stringify({
                type: 'error',
                message: 'Failed to subscribe',
                reason: `${unknown} is not a valid product`,
              }),
        );
        return;
      }
      socket.send(
        venue === 'binance'
          ? JSON.stringify({ result: null, id: request.id })
          : JSON.stringify({ type: 'subscriptions', channels: [{ name: 'matches', product_ids: symbols }] }),
      );
      for (const frame of session.frames) {
        if ('raw' in frame) socket.send(frame.raw);
        else if ('trade' in frame) {
          socket.send(
            venue === 'binance'
              ? binanceTradeFrame(frame.trade)
              : coinbaseMatchFrame(frame.trade, sequence++),
          );
        } else {
          socket.send(
            JSON.stringify({
              type: 'heartbeat',
              sequence: sequence++,
              last_trade_id: frame.heartbeat.lastTradeId,
              product_id: frame.heartbeat.venueSymbol,
              time: new Date().toISOString(),
            }),
          );
        }
      }
      // Sent frames are queued on the socket: end the session only once they are on the wire.
      const end = () => {
        if (session.end === 'drop') socket.terminate();
        else if (session.end === 'close') socket.close(1001, 'going away');
      };
      const flushed = () => (socket.bufferedAmount === 0 ? end() : setTimeout(flushed, 5));
      flushed();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    subscriptions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
