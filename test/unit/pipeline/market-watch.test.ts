/**
 * The market watch's application side: which partitions a round's scan reads, and sending each alert
 * once across rounds, with the crash window between publishing and recording failing towards a repeat
 * (at-least-once), never towards a lost alert. The DynamoDB log and the SNS publisher are tested against
 * dynalite and moto in test/integration/market-alerts-sns.test.ts; here the ports are in memory.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_ALERT_CONFIG, type MarketAlert } from '../../../shared/domain/market-alerts/index.js';
import { partitionFileKey, partitionKey } from '../../../shared/lake/index.js';
import { MarketWatch, OnceAlertPublisher } from '../../../shared/pipeline/market-watch.js';
import type { AlertPublisher, QuietFeedIndex, SentAlertLog } from '../../../shared/pipeline/ports.js';

const alert = (symbol: string, windowStart: number): MarketAlert => ({
  id: `price-move|${symbol}|1m|${windowStart}`,
  kind: 'price-move',
  symbol,
  interval: '1m',
  symbolClass: 'default',
  windowStart,
  windowEnd: windowStart + 60_000,
  threshold: { name: 'sigma', value: 6 },
  observed: 9,
  message: 'm',
});

class MemoryLog implements SentAlertLog {
  readonly ids = new Set<string>();
  failNextRecord = false;
  async sent(ids: readonly string[]) {
    return new Set(ids.filter((id) => this.ids.has(id)));
  }
  async record(a: MarketAlert) {
    if (this.failNextRecord) {
      this.failNextRecord = false;
      throw new Error('record failed');
    }
    this.ids.add(a.id);
  }
}

class Topic implements AlertPublisher {
  readonly messages: string[] = [];
  failOn?: string;
  async publish(alerts: readonly MarketAlert[]) {
    for (const a of alerts) {
      if (a.id === this.failOn) throw new Error('publish failed');
      this.messages.push(a.id);
    }
  }
}

describe('OnceAlertPublisher', () => {
  const a = alert('AAPL', 0);
  const b = alert('AAPL', 60_000);

  it('publishes an alert found again by a later round only once', async () => {
    const log = new MemoryLog();
    const topic = new Topic();
    const once = new OnceAlertPublisher(log, topic);
    await once.publish([a]);
    await once.publish([a, b]);
    await once.publish([a, b]);
    expect(topic.messages).toEqual([a.id, b.id]);
  });

  it('publishes again an alert whose record was not written (at-least-once), and only that one', async () => {
    const log = new MemoryLog();
    const topic = new Topic();
    const once = new OnceAlertPublisher(log, topic);
    log.failNextRecord = true;
    await expect(once.publish([a, b])).rejects.toThrow('record failed');
    await once.publish([a, b]);
    expect(topic.messages).toEqual([a.id, a.id, b.id]);
  });

  it('records nothing for an alert whose publish failed, so the next round sends it', async () => {
    const log = new MemoryLog();
    const topic = new Topic();
    const once = new OnceAlertPublisher(log, topic);
    topic.failOn = b.id;
    await expect(once.publish([a, b])).rejects.toThrow('publish failed');
    expect([...log.ids]).toEqual([a.id]);
    topic.failOn = undefined;
    await once.publish([a, b]);
    expect(topic.messages).toEqual([a.id, b.id]);
  });
});

describe('MarketWatch.watch: partitions', () => {
  it("reads the watched interval's bar and late partitions it is given, with the day before when asked", async () => {
    const reads: string[] = [];
    const source = {
      closedBars: async (symbol: string, interval: string, date: string) => {
        reads.push(`bars ${symbol} ${interval} ${date}`);
        return [];
      },
      lateWatermarks: async (symbol: string, interval: string, date: string) => {
        reads.push(`late ${symbol} ${interval} ${date}`);
        return [];
      },
    };
    const watch = new MarketWatch(source, DEFAULT_MARKET_ALERT_CONFIG, new Topic());
    const key = (dataset: 'bars' | 'late', interval: string, symbol: string, date: string) =>
      partitionFileKey(partitionKey(dataset, { interval, symbol, date }));
    const keys = [
      key('bars', '1m', 'EUR/USD', '2024-03-01'),
      key('late', '1m', 'AAPL', '2024-03-01'),
      key('bars', '5m', 'NVDA', '2024-03-01'),
      partitionFileKey(partitionKey('quarantine', { date: '2024-03-01' })),
    ];
    expect(await watch.watch(keys, [], { dayBefore: true })).toEqual([]);
    expect(reads.sort()).toEqual(
      ['AAPL', 'EUR/USD']
        .flatMap((s) =>
          ['2024-02-29', '2024-03-01'].flatMap((d) => [`bars ${s} 1m ${d}`, `late ${s} 1m ${d}`]),
        )
        .sort(),
    );
    reads.length = 0;
    await watch.watch(keys, []);
    expect(reads.filter((r) => r.endsWith('2024-02-29'))).toEqual([]);
    reads.length = 0;
    await watch.watch([key('bars', '5m', 'NVDA', '2024-03-01')], []);
    expect(reads).toEqual([]);
  });
});

describe('MarketWatch.watch: quiet feeds from the newest ticks', () => {
  const MIN = 60_000;
  const T = Date.UTC(2024, 2, 1, 10);
  const noBars = { closedBars: async () => [], lateWatermarks: async () => [] };
  class MemoryIndex implements QuietFeedIndex {
    entries = new Map<string, number>();
    writes = 0;
    async read() {
      return new Map(this.entries);
    }
    async write(alerted: ReadonlyMap<string, number>) {
      this.writes++;
      this.entries = new Map(alerted);
    }
  }

  it('alerts a feed that stays silent once, and again only after it ticked and fell silent again', async () => {
    const topic = new Topic();
    const index = new MemoryIndex();
    const watch = new MarketWatch(noBars, DEFAULT_MARKET_ALERT_CONFIG, topic, index);
    // MSFT ticks every minute; AAPL stops after 10:00 and stays silent, then ticks at 10:20 once.
    const round = (minute: number, aaplTs: number) =>
      watch.watch(
        [],
        [
          { symbol: 'MSFT', ts: T + minute * MIN },
          { symbol: 'AAPL', ts: aaplTs },
        ],
      );
    for (let m = 1; m <= 15; m++) await round(m, T);
    const first = `quiet-feed|AAPL|1m|${T}`;
    expect(topic.messages).toEqual([first]);
    expect(index.writes).toBe(1);
    expect((await round(16, T)).map((a) => a.id)).toEqual([first]); // still found, not sent again
    await round(20, T + 20 * MIN); // ticked: no longer quiet, leaves the index
    expect(index.entries).toEqual(new Map());
    for (let m = 21; m <= 30; m++) await round(m, T + 20 * MIN);
    expect(topic.messages).toEqual([first, `quiet-feed|AAPL|1m|${T + 20 * MIN}`]);
    expect(index.writes).toBe(3);
  });

  it('a round whose publish fails records nothing in the index, so the next round sends the alert', async () => {
    const topic = new Topic();
    const index = new MemoryIndex();
    const watch = new MarketWatch(noBars, DEFAULT_MARKET_ALERT_CONFIG, topic, index);
    const last = [
      { symbol: 'MSFT', ts: T + 10 * MIN },
      { symbol: 'AAPL', ts: T },
    ];
    topic.failOn = `quiet-feed|AAPL|1m|${T}`;
    await expect(watch.watch([], last)).rejects.toThrow('publish failed');
    expect(index.writes).toBe(0);
    topic.failOn = undefined;
    await watch.watch([], last);
    expect(topic.messages).toEqual([`quiet-feed|AAPL|1m|${T}`]);
  });

  it('an alert the partition scan also finds is sent once, with its bar', async () => {
    // AAPL's bars end at 10:05, MSFT's at 10:13: both scans see AAPL quiet since its 10:04 bar.
    const barsOf = (symbol: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        symbol,
        interval: '1m',
        windowStart: T + i * MIN,
        windowEnd: T + (i + 1) * MIN,
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        vwap: 1,
        tradeCount: 1,
      }));
    const source = {
      closedBars: async (symbol: string) => (symbol === 'AAPL' ? barsOf('AAPL', 5) : barsOf('MSFT', 13)),
      lateWatermarks: async () => [],
    };
    const sent: MarketAlert[] = [];
    const watch = new MarketWatch(source, DEFAULT_MARKET_ALERT_CONFIG, {
      publish: async (alerts) => {
        sent.push(...alerts);
      },
    });
    const key = (symbol: string) =>
      partitionFileKey(partitionKey('bars', { interval: '1m', symbol, date: '2024-03-01' }));
    const found = await watch.watch(
      [key('AAPL'), key('MSFT')],
      [
        { symbol: 'AAPL', ts: T + 4 * MIN + 1 },
        { symbol: 'MSFT', ts: T + 12 * MIN },
      ],
    );
    expect(found.map((a) => a.id)).toEqual([`quiet-feed|AAPL|1m|${T + 4 * MIN}`]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.bar?.windowStart).toBe(T + 4 * MIN);
  });
});
