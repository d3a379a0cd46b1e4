/**
 * Live exchange feeds end to end: a local WebSocket server on 127.0.0.1 plays each venue's published
 * message format (test/support/venue-replay-server.ts) with an abrupt disconnect, a clean close,
 * trades repeated after the reconnect, malformed frames and trades that never come (a gap); the
 * feed's records go through the whole local pipeline (kinesalite → event source mapping →
 * aggregator → lake). The lake's bars must be exactly those of the distinct trades sent, computed by
 * the independent SQL reference, the repeats must be counted as duplicates, the gap reported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../../local/run/local-run.js';
import { ExchangeFeed, SubscriptionRefusedError } from '../../shared/adapters/exchange-feed.js';
import { VENUES, type VenueName } from '../../shared/producer/exchange/index.js';
import type { ContractRow } from '../support/contract-csv.js';
import { expectSameBars, lakeBars } from '../support/lake-check.js';
import { referenceFor } from '../support/reference.js';
import {
  type ReplayServer,
  type ScriptFrame,
  type ScriptSession,
  type ScriptTrade,
  startReplayServer,
} from '../support/venue-replay-server.js';

const T0 = Date.UTC(2024, 0, 2, 9, 58, 30);
const INTERVALS = [
  { label: '1m', sizeMs: 60_000, slideMs: 60_000 },
  { label: '5m_1m', sizeMs: 300_000, slideMs: 60_000 },
];

const VENUE_SYMBOLS: Record<VenueName, { venue: string; tick: string }[]> = {
  binance: [
    { venue: 'btcusdt', tick: 'BTC-USDT' },
    { venue: 'ethusdt', tick: 'ETH-USDT' },
  ],
  coinbase: [
    { venue: 'BTC-USD', tick: 'BTC-USD' },
    { venue: 'ETH-USD', tick: 'ETH-USD' },
  ],
};

/** 60 trades per symbol, ids consecutive from 7,000 (BTC) and 90,000 (ETH), 2.5 s apart, across minute boundaries. */
function trades(venue: VenueName): ScriptTrade[] {
  const out: ScriptTrade[] = [];
  for (let i = 0; i < 60; i++) {
    VENUE_SYMBOLS[venue].forEach(({ venue: venueSymbol }, k) => {
      out.push({
        venueSymbol,
        tradeId: (k === 0 ? 7_000 : 90_000) + i,
        ts: T0 + i * 2_500 + k * 7,
        price: (k === 0 ? 42_000 + ((i * 37) % 101) / 4 : 2_300 + ((i * 13) % 29) / 8).toFixed(2),
        size: ((1 + ((i * 7) % 11)) / 1_000).toFixed(5),
      });
    });
  }
  return out;
}

/**
 * Three connections: the first ends in an abrupt drop after trade 39 of each symbol (with a
 * non-JSON frame and a trade missing its price on the way); the second starts with trades 30–39
 * again (the venue resends what the client may have missed) and never sends BTC's trades 48–50 (a
 * gap), then closes cleanly; the third sends the rest and stays open.
 */
function script(
  venue: VenueName,
  all: readonly ScriptTrade[],
): { sessions: ScriptSession[]; malformed: number } {
  const upTo = (from: number, to: number) => all.filter((_, n) => n >= from * 2 && n < to * 2);
  const btcGap = (t: ScriptTrade) =>
    t.venueSymbol === VENUE_SYMBOLS[venue][0]!.venue && t.tradeId >= 7_048 && t.tradeId <= 7_050;
  const asFrames = (ts: ScriptTrade[]): ScriptFrame[] => ts.map((trade) => ({ trade }));
  const broken =
    venue === 'binance'
      ? '{"e":"trade","E":1,"s":"BTCUSDT","t":1,"q":"1","T":1704189510000}'
      : '{"type":"match","trade_id":1,"product_id":"BTC-USD","size":"1","time":"2024-01-02T10:00:00Z"}';
  const first = asFrames(upTo(0, 40));
  first.splice(20, 0, { raw: 'not json {' }, { raw: broken });
  const sessions: ScriptSession[] = [
    { frames: first, end: 'drop' },
    { frames: asFrames(upTo(30, 55).filter((t) => !btcGap(t))), end: 'close' },
    {
      frames: [
        ...asFrames(upTo(55, 60)),
        ...(venue === 'coinbase'
          ? VENUE_SYMBOLS.coinbase.map(({ venue: venueSymbol }, k) => ({
              heartbeat: { venueSymbol, lastTradeId: (k === 0 ? 7_000 : 90_000) + 59 },
            }))
          : []),
      ],
      end: 'hold',
    },
  ];
  return { sessions, malformed: 2 };
}

let server: ReplayServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(['binance', 'coinbase'] as const)('%s feed through the local pipeline', (venue) => {
  it('the lake holds exactly the distinct trades sent, across drops, repeats, malformed frames and a gap', {
    timeout: 120_000,
  }, async () => {
    const all = trades(venue);
    const { sessions, malformed } = script(venue, all);
    server = await startReplayServer(
      venue,
      VENUE_SYMBOLS[venue].map((s) => s.venue),
      sessions,
    );
    dir = await mkdtemp(join(tmpdir(), `tickflow-feed-${venue}-`));
    const logs: string[] = [];
    const feed = new ExchangeFeed({
      venue: VENUES[venue],
      symbols: VENUE_SYMBOLS[venue].map((s) => s.venue),
      url: server.url,
      reconnect: { baseMs: 20, maxMs: 200 },
      log: (line) => logs.push(line),
    });
    const sent = sessions.flatMap((s) => s.frames.flatMap((f) => ('trade' in f ? [f.trade] : [])));
    const run = runLocalPipeline({
      source: { kind: 'feed', records: feed.records(), describe: `${venue} replay server` },
      out: dir,
      shards: 1,
      intervals: INTERVALS.map((i) => i.label),
      pack: 10,
    });
    await until(() => feed.stats.trades === sent.length, `${sent.length} trades`);
    feed.stop();
    const summary = await run;

    // What was sent, in arrival order, as the reference's replay rows: the repeats included, so the
    // reference drops them by id as the contract says; and the distinct trades alone give the same bars.
    const tickSymbol = new Map(VENUE_SYMBOLS[venue].map((s) => [s.venue, s.tick]));
    const rows = (ts: readonly ScriptTrade[]): ContractRow[] =>
      ts.map((t, seq) => ({
        seq,
        fields: [String(t.ts), tickSymbol.get(t.venueSymbol)!, t.price, t.size, `${venue}-${t.tradeId}`],
        line: '',
      }));
    const distinct = [...new Map(sent.map((t) => [`${t.venueSymbol}|${t.tradeId}`, t])).values()];
    const expected = await referenceFor(rows(sent), INTERVALS);
    expect(expected.valid - expected.duplicates).toBe(distinct.length);
    expectSameBars(await lakeBars(join(dir, 'lake')), expected.bars);
    expect((await referenceFor(rows(distinct), INTERVALS)).bars).toEqual(expected.bars);

    expect(summary.valid).toBe(sent.length);
    expect(summary.duplicates).toBe(sent.length - distinct.length);
    expect(summary.quarantined).toBe(0);
    expect(summary.records.toDestination).toBe(0);
    // Every connection subscribed again, with the same subscription.
    expect(server.subscriptions).toHaveLength(3);
    expect(new Set(server.subscriptions.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(feed.stats).toMatchObject({
      trades: sent.length,
      repeats: sent.length - distinct.length,
      gaps: 1,
      missingTrades: 3,
      malformedFrames: malformed,
      connections: 3,
    });
    const gapLines = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => 'FeedMissingTrades' in l);
    expect(gapLines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        symbol: VENUE_SYMBOLS[venue][0]!.tick,
        fromId: 7_048,
        toId: 7_050,
        FeedMissingTrades: 3,
        FeedGaps: 1,
        Venue: venue,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({ Namespace: 'Tickflow', Dimensions: [['service', 'Venue']] }),
          ],
        }),
      }),
    ]);
  });
});

describe.each(['binance', 'coinbase'] as const)('%s subscription', (venue) => {
  it('a symbol the venue does not know ends the feed with the venue’s reason, without reconnecting', async () => {
    const known = VENUE_SYMBOLS[venue].map((s) => s.venue);
    server = await startReplayServer(venue, known, []);
    const unknown = venue === 'binance' ? 'nosuchcoin' : 'NOSUCH-COIN';
    const feed = new ExchangeFeed({
      venue: VENUES[venue],
      symbols: [known[0]!, unknown],
      url: server.url,
      log: () => {},
    });
    const read: unknown[] = [];
    const error = await (async () => {
      for await (const r of feed.records()) read.push(r);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionRefusedError);
    expect((error as Error).message).toMatch(new RegExp(`${venue} refused the subscription to .*${unknown}`));
    expect((error as Error).message).toMatch(
      venue === 'binance' ? /unknown stream/ : /is not a valid product/,
    );
    expect(server.subscriptions).toHaveLength(1);
    expect(read).toEqual([]);
  });
});

describe('backpressure', () => {
  it('a publisher slower than the feed pauses the socket: the buffer stays bounded and nothing is lost', {
    timeout: 60_000,
  }, async () => {
    const many: ScriptTrade[] = Array.from({ length: 2_000 }, (_, i) => ({
      venueSymbol: 'btcusdt',
      tradeId: 1 + i,
      ts: T0 + i,
      price: '42000.10',
      size: '0.001',
    }));
    server = await startReplayServer(
      'binance',
      ['btcusdt'],
      [{ frames: many.map((trade) => ({ trade })), end: 'hold' }],
    );
    const feed = new ExchangeFeed({
      venue: VENUES.binance,
      symbols: ['btcusdt'],
      url: server.url,
      maxBufferedRecords: 200,
      log: () => {},
    });
    const ids: string[] = [];
    const reading = (async () => {
      for await (const r of feed.records()) {
        ids.push(String((r.payload as Record<string, unknown>).id));
        // A slow stream: 1 ms per record.
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (ids.length === many.length) feed.stop();
      }
    })();
    await reading;
    expect(ids).toEqual(many.map((t) => `binance-${t.tradeId}`));
    expect(feed.stats.pauses).toBeGreaterThan(0);
    expect(feed.stats.maxBuffered).toBeLessThan(200 + 400);
    expect(feed.stats.gaps).toBe(0);
  });
});
