/**
 * `tickflow produce --exchange VENUE --kafka …`: a venue's trade stream, played by a local WebSocket
 * server in the venue's format (test/support/venue-replay-server.ts), published to a topic of the
 * local Kafka broker (local/kafka). The topic must hold each trade the venue sent exactly as often as
 * it sent it (the venue's repeats after a reconnect are the pipeline's to drop, the producer adds
 * none), keyed by symbol, one partition and the venue's order per symbol; records must reach the
 * topic while the feed is live, and a stop (SIGINT) must publish everything already read.
 */
import kafkajs from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ProduceOptions, produce } from '../../cli/commands/produce.js';
import { type LocalKafka, startLocalKafka } from '../../local/kafka/index.js';
import { type ReplayServer, type ScriptTrade, startReplayServer } from '../support/venue-replay-server.js';

const T0 = Date.UTC(2024, 0, 2, 10, 0, 0);
let kafka: LocalKafka;
let server: ReplayServer | undefined;

beforeAll(async () => {
  kafka = await startLocalKafka();
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client() {
  return new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
}

async function newTopic(topic: string): Promise<void> {
  const admin = client().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
}

async function recordsOn(topic: string): Promise<number> {
  const admin = client().admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

interface Landed {
  key: string;
  partition: number;
  symbol: string;
  id: string;
}

/** Every record of the topic (one tick each: --pack 1), per partition in offset order. */
async function readTopic(topic: string, count: number): Promise<Landed[]> {
  const consumer = client().consumer({ groupId: `read-${topic}` });
  const out: Landed[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const tick = JSON.parse(message.value!.toString()) as { symbol: string; id: string };
        out.push({ key: message.key!.toString(), partition, symbol: tick.symbol, id: tick.id });
        if (out.length === count) resolve();
      },
    });
  });
  await done;
  await consumer.disconnect();
  return out;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function trades(symbol: string, firstId: number, n: number, k: number): ScriptTrade[] {
  return Array.from({ length: n }, (_, i) => ({
    venueSymbol: symbol,
    tradeId: firstId + i,
    ts: T0 + i * 100 + k,
    price: (100 + k + (i % 7) / 8).toFixed(3),
    size: '0.010',
  }));
}

function feedOptions(topic: string, symbols: string): ProduceOptions {
  return {
    exchange: 'binance',
    feedUrl: server!.url,
    symbols,
    kafka: kafka.bootstrap,
    topic,
    seed: '1',
    maxDelay: 5_000,
    pack: 1,
    ordering: 'strict',
  };
}

describe('produce --exchange --kafka', () => {
  it('publishes while the feed is live: each trade lands as often as the venue sent it, keyed by symbol, in the venue’s order', {
    timeout: 60_000,
  }, async () => {
    const btc = trades('btcusdt', 1_000, 150, 0);
    const eth = trades('ethusdt', 5_000, 150, 1);
    const interleave = (a: ScriptTrade[], b: ScriptTrade[]) => a.flatMap((t, i) => [t, b[i]!]);
    // A drop after trade 100, then the venue resends 80–99 before going on; the feed stays open.
    const first = interleave(btc.slice(0, 100), eth.slice(0, 100));
    const second = interleave(btc.slice(80), eth.slice(80));
    server = await startReplayServer(
      'binance',
      ['btcusdt', 'ethusdt'],
      [
        { frames: first.map((trade) => ({ trade })), end: 'drop' },
        { frames: second.map((trade) => ({ trade })), end: 'hold' },
      ],
    );
    const sent = [...first, ...second];
    await newTopic('feed-live');
    const stop = new AbortController();
    const run = produce(feedOptions('feed-live', 'btcusdt,ethusdt'), () => {}, stop.signal);
    // Every trade reaches the topic before the feed ends: the publisher does not wait for a full request.
    await until(async () => (await recordsOn('feed-live')) === sent.length, `${sent.length} records`);
    stop.abort();
    const summary = await run;
    expect(summary.publish.ticks).toBe(sent.length);
    expect(summary.feed!.stats).toMatchObject({ trades: sent.length, repeats: 40, connections: 2, gaps: 0 });

    const landed = await readTopic('feed-live', sent.length);
    expect(await recordsOn('feed-live')).toBe(sent.length);
    for (const [venueSymbol, symbol] of [
      ['btcusdt', 'BTC-USDT'],
      ['ethusdt', 'ETH-USDT'],
    ] as const) {
      const mine = landed.filter((l) => l.symbol === symbol);
      expect(mine.every((l) => l.key === symbol)).toBe(true);
      expect(new Set(mine.map((l) => l.partition)).size).toBe(1);
      expect(mine.map((l) => l.id)).toEqual(
        sent.filter((t) => t.venueSymbol === venueSymbol).map((t) => `binance-${t.tradeId}`),
      );
    }
    // The distinct trades, each once, plus the venue's 40 repeats: nothing from the producer.
    expect(new Set(landed.map((l) => l.id)).size).toBe(300);
  });

  it('a stop while trades are still arriving publishes every trade already read, then ends', {
    timeout: 60_000,
  }, async () => {
    const many = trades('btcusdt', 1, 20_000, 0);
    server = await startReplayServer(
      'binance',
      ['btcusdt'],
      [{ frames: many.map((trade) => ({ trade })), end: 'hold' }],
    );
    await newTopic('feed-stop');
    const stop = new AbortController();
    const run = produce(feedOptions('feed-stop', 'btcusdt'), () => {}, stop.signal);
    await until(async () => (await recordsOn('feed-stop')) > 0, 'the first record');
    stop.abort();
    const summary = await run;
    const read = summary.feed!.stats.trades;
    expect(read).toBeGreaterThan(0);
    expect(summary.publish.ticks).toBe(read);
    const landed = await readTopic('feed-stop', read);
    expect(landed.map((l) => l.id)).toEqual(many.slice(0, read).map((t) => `binance-${t.tradeId}`));
    expect(await recordsOn('feed-stop')).toBe(read);
  });
});
