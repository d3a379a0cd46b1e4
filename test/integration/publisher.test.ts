import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../cli/commands/produce.js';
import { createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { KinesisPublisher, putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { MarketSimulator } from '../../shared/producer/simulator.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import { startReplayServer } from '../support/venue-replay-server.js';

/** kinesalite, in-process on 127.0.0.1 and a free port; no throttling, so retries are unit-tested with a fake. */
const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: {
  createStreamMs: number;
}) => Server;

let server: Server;
let endpoint: string;
let client: KinesisClient;

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createKinesisClient({ endpoint, region: 'us-east-1' });
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function createStream(name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitUntilStreamExists({ client, maxWaitTime: 30 }, { StreamName: name });
}

/** Every record's text, per shard in shard order. */
async function readAll(stream: string): Promise<{ key: string; data: string }[][]> {
  const { Shards } = await client.send(new ListShardsCommand({ StreamName: stream }));
  const shards: { key: string; data: string }[][] = [];
  for (const shard of Shards ?? []) {
    const records: { key: string; data: string }[] = [];
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    for (;;) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator!, Limit: 10_000 }));
      for (const r of page.Records ?? [])
        records.push({ key: r.PartitionKey!, data: Buffer.from(r.Data!).toString('utf8') });
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    shards.push(records);
  }
  return shards;
}

/** The payload texts of each partition key, in stream order, JSON arrays unpacked. */
function ticksByKey(shards: { key: string; data: string }[][]): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const shard of shards) {
    for (const { key, data } of shard) {
      const list = out.get(key) ?? [];
      list.push(...(data.startsWith('[') ? (JSON.parse(data) as unknown[]) : [parseOrRaw(data)]));
      out.set(key, list);
    }
  }
  return out;
}

function parseOrRaw(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function expectedByKey(records: ProducerRecord[]): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const r of records) out.set(r.partitionKey, [...(out.get(r.partitionKey) ?? []), r.payload]);
  return out;
}

describe('KinesisPublisher against kinesalite', () => {
  it('publishes simulated ticks one per record (per-request ordering) and each symbol reads back in order', async () => {
    await createStream('plain', 2);
    const records = [
      ...new MarketSimulator({
        symbols: 6,
        ticks: 1_000,
        seed: 21,
        outOfOrder: { fraction: 0.05, maxDelayMs: 3_000 },
      }).records(),
    ];
    const stats = await new KinesisPublisher({
      streamName: 'plain',
      putRecords: putRecordsWith(client),
      ordering: 'per-request',
    }).publish(records);
    expect(stats).toMatchObject({ records: 1_000, ticks: 1_000, retries: 0 });
    const shards = await readAll('plain');
    expect(shards.flat()).toHaveLength(1_000);
    expect(ticksByKey(shards)).toEqual(expectedByKey(records));
  });

  it('packs ticks into JSON arrays and keeps raw malformed text unchanged', async () => {
    await createStream('packed', 1);
    const records = [
      ...new MarketSimulator({
        symbols: 4,
        ticks: 3_000,
        seed: 5,
        malformed: { fraction: 0.01 },
        duplicates: { fraction: 0.01 },
      }).records(),
    ];
    const stats = await new KinesisPublisher({
      streamName: 'packed',
      putRecords: putRecordsWith(client),
      maxTicksPerRecord: 50,
    }).publish(records);
    expect(stats.ticks).toBe(records.length);
    expect(stats.records).toBeLessThan(records.length / 10);
    const shards = await readAll('packed');
    expect(shards.flat()).toHaveLength(stats.records);
    expect(ticksByKey(shards)).toEqual(expectedByKey(records));
  });
});

describe('tickflow produce', () => {
  async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const program = new Command('tickflow').exitOverride();
    register(program);
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    program.configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
    try {
      await program.parseAsync(['produce', ...args], { from: 'user' });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      return { stdout, stderr: stderr + String(error), code: 2 };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  it('simulates --ticks N with a seed and prints a summary', async () => {
    await createStream('cli-sim', 2);
    const result = await run([
      '--stream',
      'cli-sim',
      '--simulate',
      '--ticks',
      '500',
      '--symbols',
      '5',
      '--seed',
      '3',
      '--pack',
      '10',
      '--endpoint',
      endpoint,
      '--region',
      'us-east-1',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stream cli-sim: 500 ticks in \d+ records/);
    const expected = [...new MarketSimulator({ symbols: 5, ticks: 500, seed: '3' }).records()];
    expect(ticksByKey(await readAll('cli-sim'))).toEqual(expectedByKey(expected));
  });

  it('replays a CSV file in file order and forwards its malformed rows raw', async () => {
    await createStream('cli-replay', 1);
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-produce-'));
    try {
      const file = join(dir, 'ticks.csv');
      await writeFile(
        file,
        '\uFEFFts,symbol,price,size,id\r\n2024-01-02T00:00:00Z,EUR/USD,1.085,1000,1\r\n1704153600001,XAU:USD,"2350.5",2,\r\nbroken,row\r\n',
      );
      const result = await run([
        '--stream',
        'cli-replay',
        '--replay',
        file,
        '--endpoint',
        endpoint,
        '--region',
        'us-east-1',
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/replayed: 3 rows \(1 malformed/);
      const [shard] = await readAll('cli-replay');
      expect(shard).toEqual([
        {
          key: 'EUR/USD',
          data: '{"ts":"2024-01-02T00:00:00Z","symbol":"EUR/USD","price":1.085,"size":1000,"id":"1"}',
        },
        { key: 'XAU:USD', data: '{"ts":"1704153600001","symbol":"XAU:USD","price":2350.5,"size":2}' },
        { key: 'row', data: 'broken,row' },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects neither or both of --simulate and --replay with a clear message', async () => {
    const neither = await run(['--stream', 's', '--endpoint', endpoint]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/exactly one source: --simulate, --replay <file> or --exchange <venue>/);
    const both = await run(['--stream', 's', '--simulate', '--replay', 'x.csv']);
    expect(both.stderr).toMatch(/--replay <file>' cannot be used with option '--simulate'/);
    const simOnly = await run(['--stream', 's', '--replay', 'x.csv', '--symbols', '3']);
    expect(simOnly.stderr).toMatch(/--symbols <n\|list>' cannot be used with option '--replay/);
    const badPack = await run(['--stream', 's', '--simulate', '--pack', '0']);
    expect(badPack.stderr).toMatch(/--pack.*expected a positive integer/);
  });

  it('--exchange: a bad symbol or none is refused before connecting, with the venue’s format', async () => {
    const slash = await run(['--stream', 's', '--exchange', 'binance', '--symbols', 'btcusdt,btc/usdt']);
    expect(slash.code).toBe(2);
    expect(slash.stderr).toMatch(
      /--symbols: "btc\/usdt" is not a binance symbol: base and quote asset written together/,
    );
    const none = await run(['--stream', 's', '--exchange', 'coinbase']);
    expect(none.stderr).toMatch(/--exchange coinbase needs --symbols: a product id, BASE-QUOTE/);
    const venue = await run(['--stream', 's', '--exchange', 'kraken', '--symbols', 'x']);
    expect(venue.stderr).toMatch(/Allowed choices are binance, coinbase/);
    const rate = await run(['--stream', 's', '--exchange', 'binance', '--symbols', 'btcusdt', '--rate', '5']);
    expect(rate.stderr).toMatch(/--rate <n>' cannot be used with option '--exchange/);
  });

  it('--help documents each venue’s symbol format', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/binance: base and quote asset written together, e\.g\. btcusdt or BTCUSDT/);
    expect(help.stdout).toMatch(/coinbase: a product id, BASE-QUOTE, e\.g\. BTC-USD/);
  });

  it('--exchange publishes the venue’s trades; SIGTERM closes the feed and still publishes what was read', async () => {
    await createStream('cli-feed', 1);
    const trades = Array.from({ length: 30 }, (_, i) => ({
      venueSymbol: 'BTC-USD',
      tradeId: 500 + i,
      ts: Date.UTC(2024, 0, 2) + i * 100,
      price: '42000.5',
      size: '0.01',
    }));
    const venue = await startReplayServer(
      'coinbase',
      ['BTC-USD'],
      [{ frames: trades.map((trade) => ({ trade })), end: 'hold' }],
    );
    try {
      const producing = run([
        '--stream',
        'cli-feed',
        '--exchange',
        'coinbase',
        '--symbols',
        'btc-usd',
        '--feed-url',
        venue.url,
        '--pack',
        '7',
        '--endpoint',
        endpoint,
        '--region',
        'us-east-1',
      ]);
      const deadline = Date.now() + 20_000;
      while (venue.subscriptions.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      process.emit('SIGTERM', 'SIGTERM');
      const result = await producing;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/stream cli-feed: 30 ticks/);
      expect(result.stdout).toMatch(/coinbase: 30 trades read .* 0 gap\(s\)/);
      const ticks = (await readAll('cli-feed'))
        .flat()
        .flatMap((r) => JSON.parse(r.data) as Record<string, unknown>[]);
      expect(ticks.map((t) => t.id)).toEqual(trades.map((t) => `coinbase-${t.tradeId}`));
      expect(ticks[0]).toEqual({
        symbol: 'BTC-USD',
        ts: trades[0]!.ts,
        price: '42000.5',
        size: '0.01',
        id: 'coinbase-500',
      });
    } finally {
      await venue.close();
    }
  });
});
