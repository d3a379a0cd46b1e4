/**
 * The stream contract (docs/stream-contract.md), end to end: a replay file with every awkward case goes through the
 * real pipeline (kinesalite → local event source mapping → aggregator → dynalite → s3rver → Parquet
 * lake), and the lake must equal an independent reference computed in DuckDB SQL from the same rows
 * (test/support/reference.ts) — also under injected faults and with another sharding and batching,
 * and the same through a Kafka topic on a local broker instead of Kinesis.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJavaAvailable } from '../../local/jvm/index.js';
import { runPreprocessLocally } from '../../local/preprocess/index.js';
import { runLocalPipeline } from '../../local/run/local-run.js';
import { servingOver } from '../../local/run/serving.js';
import type { RunSummary } from '../../local/run/summary.js';
import { DuckDbLake } from '../../shared/adapters/query/index.js';
import { ServingStore } from '../../shared/adapters/serving/index.js';
import { NAMED_QUERIES, renderNamedQuery } from '../../shared/query/index.js';
import { type ContractCsv, contractCsv } from '../support/contract-csv.js';
import { barKey, expectSameBars, lakeBars, lakeLate, lateKey } from '../support/lake-check.js';
import { close, referenceBoundaries, referenceRows } from '../support/preprocess/feature-reference.js';
import { type ReferenceBar, type ReferenceResult, referenceFor } from '../support/reference.js';
import { type CassandraEndpoint, cassandraForTests } from './cassandra-node.js';

/** The same file through each transport: the stages below the transport decoding do not know which. */
const STREAMS = ['kinesis', 'kafka'] as const;

const INTERVALS = [
  { label: '1m', sizeMs: 60_000, slideMs: 60_000 },
  { label: '5m', sizeMs: 300_000, slideMs: 300_000 },
  { label: '15m', sizeMs: 900_000, slideMs: 900_000 },
  { label: '1h', sizeMs: 3_600_000, slideMs: 3_600_000 },
  { label: '1d', sizeMs: 86_400_000, slideMs: 86_400_000 },
  { label: '5m_1m', sizeMs: 300_000, slideMs: 60_000 },
];

let dir: string;
let csvPath: string;
let csv: ContractCsv;
let reference: ReferenceResult;
let cassandra: CassandraEndpoint | undefined;
let plainLake: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-contract-'));
  csv = contractCsv(3000, 11);
  csvPath = join(dir, 'ticks.csv');
  await writeFile(csvPath, csv.text);
  reference = await referenceFor(csv.rows, INTERVALS);
  cassandra = await cassandraForTests();
});

afterAll(async () => {
  await cassandra?.release();
  await rm(dir, { recursive: true, force: true });
});

function expectCounts(summary: RunSummary): void {
  expect(summary.rows).toBe(reference.rows);
  expect(summary.valid).toBe(reference.valid);
  expect(summary.quarantined).toBe(reference.quarantined);
  expect(summary.duplicates).toBe(reference.duplicates);
  for (const i of INTERVALS) {
    expect(summary.bars[i.label] ?? 0).toBe(reference.bars.filter((b) => b.interval === i.label).length);
    expect(summary.late[i.label] ?? 0).toBe(reference.late.filter((l) => l.interval === i.label).length);
    expect(summary.lake.barRows[i.label] ?? 0).toBe(summary.bars[i.label] ?? 0);
  }
  expect(summary.records.toDestination).toBe(0);
}

async function run(name: string, extra: Partial<Parameters<typeof runLocalPipeline>[0]> = {}) {
  const out = join(dir, name);
  const summary = await runLocalPipeline({ source: { kind: 'replay', file: csvPath }, out, ...extra });
  return { summary, lake: join(out, 'lake') };
}

describe('the stream contract against an independent SQL reference', { timeout: 300_000 }, () => {
  it('the reference itself covers every case the contract names', () => {
    expect(reference.quarantined).toBeGreaterThan(10);
    expect(reference.duplicates).toBeGreaterThan(5);
    expect(reference.late.length).toBeGreaterThan(50);
    expect(reference.bars.some((b) => b.vwap === null)).toBe(true);
    const days = new Set(reference.bars.map((b) => new Date(b.window_start).toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(2);
    expect(new Set(reference.bars.map((b) => b.symbol))).toEqual(
      new Set(['AAPL', 'BTC-USDT', 'EUR/USD', 'XAU:USD']),
    );
  });

  describe.each(STREAMS)('through %s', (stream) => {
    it.skipIf(stream === 'kafka' && !isJavaAvailable())(
      'a replay gives exactly the reference bars, late ticks and counts',
      async () => {
        const { summary, lake } = await run(`plain-${stream}`, { stream });
        if (stream === 'kinesis') plainLake = lake;
        expectCounts(summary);
        // What the deployment bills while idle: its Kinesis stream, or on Kafka the user's cluster (unpriced).
        const idle = summary.cost.idlePerMonth.lines.filter((l) => l.count > 0);
        expect(idle.some((l) => l.item.startsWith('Kinesis'))).toBe(stream === 'kinesis');
        expect(idle.filter((l) => l.item.startsWith('Kafka cluster'))).toEqual(
          stream === 'kafka' ? [expect.objectContaining({ count: 1, usd: null })] : [],
        );
        expectSameBars(await lakeBars(lake), reference.bars);
        expect(await lakeLate(lake)).toEqual(reference.late.map(lateKey).sort());
      },
    );

    it.skipIf(stream === 'kafka' && !isJavaAvailable())(
      'with 4 shards (partitions) and batches of 37 records (2 ticks each) the result is identical',
      async () => {
        const { summary, lake } = await run(`sharded-${stream}`, {
          stream,
          shards: 4,
          batchSize: 37,
          pack: 2,
        });
        expectCounts(summary);
        expectSameBars(await lakeBars(lake), reference.bars);
        expect(await lakeLate(lake)).toEqual(reference.late.map(lateKey).sort());
      },
    );

    it.skipIf(stream === 'kafka' && !isJavaAvailable())(
      'with chaos 0.3 (faults before and after writes, re-split retries) no bar is lost or doubled',
      async () => {
        const { summary, lake } = await run(`chaos-${stream}`, {
          stream,
          chaos: 0.3,
          seed: 5,
          batchSize: 53,
          pack: 7,
        });
        expect(summary.chaos.injectedBefore + summary.chaos.injectedAfter).toBeGreaterThan(20);
        expect(summary.eventSourceMapping.retries).toBeGreaterThan(0);
        expectCounts(summary);
        expectSameBars(await lakeBars(lake), reference.bars);
        expect(await lakeLate(lake)).toEqual(reference.late.map(lateKey).sort());
      },
    );
  });

  it('tickflow query answers over that lake what the reference computes from the CSV', async () => {
    const db = await DuckDbLake.open({ lakeDir: plainLake });
    try {
      const one = async (sql: string) => (await db.run(sql)).rows;
      // Bronze keeps every valid tick (duplicates too: dedup is the aggregator's business).
      expect(await one('SELECT count(*) FROM ticks')).toEqual([[reference.valid]]);
      expect(await one(`SELECT count(*) FROM quarantine`)).toEqual([[reference.quarantined]]);
      const volumes = await one(
        `SELECT symbol, sum(volume), sum(trade_count) FROM bars WHERE interval = '1h' GROUP BY symbol ORDER BY symbol`,
      );
      const expected = new Map<string, [number, number]>();
      for (const b of reference.bars.filter((x) => x.interval === '1h')) {
        const [v, n] = expected.get(b.symbol) ?? [0, 0];
        expected.set(b.symbol, [v + b.volume, n + b.trade_count]);
      }
      expect(volumes.map((r) => r[0])).toEqual([...expected.keys()].sort());
      for (const [symbol, volume, trades] of volumes) {
        const [v, n] = expected.get(symbol as string)!;
        expect(volume as number).toBeCloseTo(v, 6);
        expect(Number(trades)).toBe(n);
      }
      for (const q of NAMED_QUERIES) {
        const values: Record<string, string> = { symbols: 'EUR/USD,XAU:USD', symbol: 'EUR/USD' };
        const declared = new Set(q.parameters.map((p) => p.name));
        const sql = renderNamedQuery(
          q,
          Object.fromEntries(Object.entries(values).filter(([k]) => declared.has(k))),
        );
        expect((await db.run(sql)).rows.length).toBeGreaterThan(0);
      }
    } finally {
      await db.close();
    }
  });

  it('tickflow preprocess over that lake gives the features an independent implementation gives', async () => {
    const { outcome } = await runPreprocessLocally({ lakeDir: plainLake, retryDelayMs: 5 });
    expect(outcome.status).toBe('SUCCEEDED');
    const bySymbol = new Map<string, ReferenceBar[]>();
    for (const b of reference.bars.filter((x) => x.interval === '1m')) {
      bySymbol.set(b.symbol, [...(bySymbol.get(b.symbol) ?? []), b]);
    }
    const kept = [...bySymbol].flatMap(
      ([symbol, bars]) =>
        referenceRows(
          symbol,
          bars.map((b) => ({ ...b, windowStart: b.window_start, tradeCount: b.trade_count })),
          60_000,
        ).kept,
    );
    const { n, b1, b2 } = referenceBoundaries(kept);
    expect(outcome.rows.train + outcome.rows.val + outcome.rows.test).toBe(n);
    expect(outcome.rows.train).toBe(kept.filter((r) => r.windowStart < b1).length);
    expect(outcome.rows.test).toBe(kept.filter((r) => r.windowStart >= b2).length);
    const db = await DuckDbLake.open({ lakeDir: plainLake });
    try {
      const { rows, columns } = await db.run(
        `SELECT symbol, epoch_ms(window_start) AS t, rsi_14, ema_26, volatility_60, ultimate_oscillator FROM features ORDER BY symbol, t`,
      );
      expect(columns.map((c) => c.name)).toEqual([
        'symbol',
        't',
        'rsi_14',
        'ema_26',
        'volatility_60',
        'ultimate_oscillator',
      ]);
      const ref = new Map(kept.map((r) => [`${r.symbol}|${r.windowStart}`, r]));
      expect(rows.length).toBe(n);
      for (const [symbol, t, ...values] of rows) {
        const r = ref.get(`${symbol}|${Number(t)}`)!;
        const names = ['rsi_14', 'ema_26', 'volatility_60', 'ultimate_oscillator'];
        const mismatched = names.filter((name, i) => !close(values[i] as number | null, r.f[name]!));
        expect(mismatched).toEqual([]);
      }
    } finally {
      await db.close();
    }
  });

  it('with --dedup-horizon 60s the retries that lag more than a minute count again, as the reference says', async () => {
    const short = await referenceFor(csv.rows, INTERVALS, 600_000, 60_000);
    // The file has retries between 1 and 10 minutes after their original: the default drops them.
    expect(short.duplicates).toBeLessThan(reference.duplicates);
    const { summary, lake } = await run('short-horizon', { dedupHorizonMs: 60_000 });
    expect(summary.duplicates).toBe(short.duplicates);
    expect(summary.valid).toBe(short.valid);
    expectSameBars(await lakeBars(lake), short.bars);
    expect(await lakeLate(lake)).toEqual(short.late.map(lateKey).sort());
  });

  it.for([
    ['serving', 0],
    ['serving-chaos', 0.3],
  ] as const)(
    'the serving store holds exactly the lake’s final bars, none still forming (%s)',
    // Under chaos 0.3 every write point of a batch (state, seen ids, bars, the serving upsert) can
    // fail, so a batch passes all of them rarely and is retried many times: ~2 minutes alone, more
    // under a loaded suite.
    { timeout: 600_000 },
    async ([name, chaos], ctx) => {
      if (!cassandra) return ctx.skip();
      const keyspace = `contract_${name.replace('-', '_')}`;
      const store = await ServingStore.connect({
        kind: 'local',
        contactPoints: [`${cassandra.contactPoint}:${cassandra.port}`],
        keyspace,
      });
      await store.ensureSchema();
      const serving = servingOver(store);
      try {
        const { summary, lake } = await run(name, { serving, chaos, seed: 3 });
        expectCounts(summary);
        const rows = (await readFile(summary.serving!.exported, 'utf8')).trim().split('\n').slice(1);
        expect(rows.every((r) => r.endsWith(',true'))).toBe(true);
        const fromServing = rows.map((r) => {
          const f = r.match(/("(?:[^"]|"")*"|[^,]*)/g)!.filter((_, i) => i % 2 === 0);
          return `${f[0]}|${f[1]}|${f[2]}`;
        });
        const fromLake = (await lakeBars(lake)).map(barKey);
        expect(fromServing.sort()).toEqual(fromLake.sort());
      } finally {
        await serving.stop();
      }
    },
  );
});
