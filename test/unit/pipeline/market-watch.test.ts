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
import type { AlertPublisher, SentAlertLog } from '../../../shared/pipeline/ports.js';

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

describe('MarketWatch.scanPartitions', () => {
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
    expect(await watch.scanPartitions(keys, { dayBefore: true })).toEqual([]);
    expect(reads.sort()).toEqual(
      ['AAPL', 'EUR/USD']
        .flatMap((s) =>
          ['2024-02-29', '2024-03-01'].flatMap((d) => [`bars ${s} 1m ${d}`, `late ${s} 1m ${d}`]),
        )
        .sort(),
    );
    reads.length = 0;
    await watch.scanPartitions(keys);
    expect(reads.filter((r) => r.endsWith('2024-02-29'))).toEqual([]);
    reads.length = 0;
    await watch.scanPartitions([key('bars', '5m', 'NVDA', '2024-03-01')]);
    expect(reads).toEqual([]);
  });
});
