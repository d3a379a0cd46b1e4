import { describe, expect, it } from 'vitest';
import { KinesisPublisher, PublishFailedError } from '../../../shared/adapters/kinesis-publisher.js';
import { PUT_RECORDS_LIMITS, RecordTooLargeError } from '../../../shared/producer/batching.js';
import { MarketSimulator } from '../../../shared/producer/simulator.js';
import type { ProducerRecord } from '../../../shared/producer/types.js';
import { createRandom } from '../../../shared/random.js';
import { FakeKinesis } from './fake-kinesis.js';

const noSleep = async () => {};
const tick = (symbol: string, n: number): ProducerRecord => ({
  partitionKey: symbol,
  payload: { ts: 1_704_153_600_000 + n, symbol, price: 100, size: 1, id: String(n) },
});
const bytesOf = (request: { key: string; data: string }[]) =>
  request.reduce((s, r) => s + Buffer.byteLength(r.data) + Buffer.byteLength(r.key), 0);
/** Per-key sequence of ids as written, unpacking JSON arrays. */
const idsByKey = (fake: FakeKinesis) =>
  new Map(
    [...fake.log].map(([key, datas]) => [
      key,
      datas.flatMap((d) => [JSON.parse(d)].flat().map((t: { id: string }) => t.id)),
    ]),
  );
const expectedIdsByKey = (records: ProducerRecord[]) => {
  const out = new Map<string, string[]>();
  for (const r of records) {
    const list = out.get(r.partitionKey) ?? [];
    list.push((r.payload as { id: string }).id);
    out.set(r.partitionKey, list);
  }
  return out;
};

describe('KinesisPublisher batching', () => {
  it('puts at most 500 records per request', async () => {
    const fake = new FakeKinesis();
    const records = Array.from({ length: 1_200 }, (_, n) => tick(`S${n}`, n));
    const stats = await new KinesisPublisher({ streamName: 's', putRecords: fake.putRecords }).publish(
      records,
    );
    expect(fake.requests.map((r) => r.length)).toEqual([500, 500, 200]);
    expect(stats).toMatchObject({ records: 1_200, ticks: 1_200, requests: 3, retries: 0 });
  });

  it('keeps every request within 5 MiB, counting data and partition keys', async () => {
    const fake = new FakeKinesis();
    const big = (n: number): ProducerRecord => ({ partitionKey: `K${n}`, payload: 'x'.repeat(600_000) });
    const stats = await new KinesisPublisher({ streamName: 's', putRecords: fake.putRecords }).publish(
      Array.from({ length: 20 }, (_, n) => big(n)),
    );
    for (const request of fake.requests)
      expect(bytesOf(request)).toBeLessThanOrEqual(PUT_RECORDS_LIMITS.maxRequestBytes);
    expect(fake.requests.map((r) => r.length)).toEqual([8, 8, 4]);
    expect(stats.bytes).toBe(20 * (600_000 + 2) + 10 * 1);
  });

  it('refuses a record over 1 MiB with its partition key, naming the key', async () => {
    const fake = new FakeKinesis();
    const publisher = new KinesisPublisher({ streamName: 's', putRecords: fake.putRecords });
    const tooBig = { partitionKey: 'BTC-USDT', payload: 'y'.repeat(1024 * 1024 - 7) };
    await expect(publisher.publish([tooBig])).rejects.toThrow(RecordTooLargeError);
    await expect(publisher.publish([tooBig])).rejects.toThrow(/BTC-USDT/);
  });

  it('packs consecutive ticks of a symbol into JSON arrays of at most N, raw text never packed', async () => {
    const fake = new FakeKinesis();
    const records = Array.from({ length: 1_000 }, (_, n) => tick(n % 3 === 0 ? 'EUR/USD' : 'XAU:USD', n));
    records.splice(500, 0, { partitionKey: 'XAU:USD', payload: 'not,a,tick' });
    const stats = await new KinesisPublisher({
      streamName: 's',
      putRecords: fake.putRecords,
      maxTicksPerRecord: 100,
    }).publish(records);
    expect(stats.ticks).toBe(1_001);
    const xau = fake.log.get('XAU:USD')!;
    expect(xau).toContain('not,a,tick');
    for (const data of xau.filter((d) => d.startsWith('[')))
      expect(JSON.parse(data).length).toBeLessThanOrEqual(100);
    expect(stats.records).toBeLessThan(20);
    const eur = fake.log
      .get('EUR/USD')!
      .flatMap((d) => JSON.parse(d) as { id: string }[])
      .map((t) => t.id);
    expect(eur).toEqual(
      records.filter((r) => r.partitionKey === 'EUR/USD').map((r) => (r.payload as { id: string }).id),
    );
  });
});

describe('KinesisPublisher retries', () => {
  it('retries only the refused entries and, in strict mode, keeps each key in order under random throttling', async () => {
    const rng = createRandom(77);
    const fake = new FakeKinesis(() =>
      rng.chance(0.3) ? 'ProvisionedThroughputExceededException' : undefined,
    );
    const records = [...new MarketSimulator({ symbols: 5, ticks: 3_000, seed: 3 }).records()];
    const stats = await new KinesisPublisher({
      streamName: 's',
      putRecords: fake.putRecords,
      maxTicksPerRecord: 20,
      sleep: noSleep,
    }).publish(records);
    expect(idsByKey(fake)).toEqual(expectedIdsByKey(records));
    expect(stats.ticks).toBe(3_000);
    expect(stats.throttled).toBeGreaterThan(10);
    expect(stats.retries).toBe(stats.throttled);
    // Strict: never two records of one key in one request.
    for (const request of fake.requests) expect(new Set(request.map((r) => r.key)).size).toBe(request.length);
  });

  it('strict mode holds a key back until its refused record is accepted, while other keys move on', async () => {
    let refusals = 2;
    const fake = new FakeKinesis((key, data) =>
      key === 'A' && data.includes('"id":"0"') && refusals-- > 0 ? 'InternalFailure' : undefined,
    );
    const records = [tick('A', 0), tick('A', 1), tick('B', 2), tick('B', 3)];
    await new KinesisPublisher({ streamName: 's', putRecords: fake.putRecords, sleep: noSleep }).publish(
      records,
    );
    const sent = fake.requests.map((r) => r.map(({ key, data }) => `${key}${JSON.parse(data).id}`));
    expect(sent).toEqual([['A0', 'B2'], ['A0', 'B3'], ['A0'], ['A1']]);
    expect(idsByKey(fake).get('A')).toEqual(['0', '1']);
  });

  it('per-request mode fills requests with one key but can let a later record overtake a refused one', async () => {
    let refused = false;
    const fake = new FakeKinesis((_key, data) => {
      if (!refused && data.includes('"id":"0"')) {
        refused = true;
        return 'ProvisionedThroughputExceededException';
      }
      return undefined;
    });
    const records = [tick('A', 0), tick('A', 1), tick('A', 2)];
    await new KinesisPublisher({
      streamName: 's',
      putRecords: fake.putRecords,
      ordering: 'per-request',
      sleep: noSleep,
    }).publish(records);
    expect(fake.requests.map((r) => r.length)).toEqual([3, 1]);
    expect(idsByKey(fake).get('A')).toEqual(['1', '2', '0']);
  });

  it('gives up after maxAttempts with an error naming the stream, key, code and attempts', async () => {
    const fake = new FakeKinesis((key) =>
      key === 'GBP/USD' ? 'ProvisionedThroughputExceededException' : undefined,
    );
    const publisher = new KinesisPublisher({
      streamName: 'ticks',
      putRecords: fake.putRecords,
      maxAttempts: 4,
      sleep: noSleep,
    });
    const error = await publisher.publish([tick('GBP/USD', 1), tick('AAPL', 2)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishFailedError);
    expect(error).toMatchObject({
      streamName: 'ticks',
      partitionKey: 'GBP/USD',
      errorCode: 'ProvisionedThroughputExceededException',
      attempts: 4,
    });
    expect(fake.requests).toHaveLength(4);
  });

  it('backs off exponentially with full jitter, capped', async () => {
    const slept: number[] = [];
    let failures = 6;
    const fake = new FakeKinesis(() =>
      failures-- > 0 ? 'ProvisionedThroughputExceededException' : undefined,
    );
    await new KinesisPublisher({
      streamName: 's',
      putRecords: fake.putRecords,
      backoff: { baseMs: 100, maxMs: 1_000 },
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    }).publish([tick('A', 1)]);
    expect(slept).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('retries a request-level throttling error, but fails at once on a missing stream', async () => {
    let calls = 0;
    const throttlingOnce = new KinesisPublisher({
      streamName: 's',
      sleep: noSleep,
      putRecords: async (input) => {
        if (calls++ === 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return { Records: (input.Records ?? []).map(() => ({ SequenceNumber: '1', ShardId: 'x' })) };
      },
    });
    expect(await throttlingOnce.publish([tick('A', 1)])).toMatchObject({
      records: 1,
      retries: 1,
      throttled: 1,
    });

    const missing = new KinesisPublisher({
      streamName: 'nope',
      sleep: noSleep,
      putRecords: async () => {
        throw Object.assign(new Error('Stream nope not found'), { name: 'ResourceNotFoundException' });
      },
    });
    await expect(missing.publish([tick('A', 1)])).rejects.toThrow(/stream "nope".*ResourceNotFoundException/);
  });
});

describe('KinesisPublisher pacing', () => {
  it('caps the rate in ticks per second', async () => {
    let now = 0;
    const fake = new FakeKinesis();
    const stats = await new KinesisPublisher({
      streamName: 's',
      putRecords: fake.putRecords,
      maxTicksPerRecord: 10,
      rateLimit: { perSecond: 200, unit: 'ticks' },
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    }).publish(Array.from({ length: 1_000 }, (_, n) => tick(`S${n % 4}`, n)));
    expect(stats.ticks).toBe(1_000);
    // 1,000 ticks at 200/s: the last request may start after ~4.9 s of simulated time, not before.
    expect(now).toBeGreaterThan(4_700);
    expect(now).toBeLessThan(5_000);
  });

  it('publishes a slow live source promptly instead of waiting for a full request', async () => {
    const fake = new FakeKinesis();
    async function* live() {
      for (let n = 0; n < 3; n++) {
        await new Promise((r) => setTimeout(r, 60));
        yield tick('BTC-USDT', n);
      }
    }
    await new KinesisPublisher({ streamName: 's', putRecords: fake.putRecords, lingerMs: 10 }).publish(
      live(),
    );
    expect(fake.requests.map((r) => r.length)).toEqual([1, 1, 1]);
  });
});
