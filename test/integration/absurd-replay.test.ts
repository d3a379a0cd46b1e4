/**
 * The local run never dies on input (docs/stream-contract.md, "Hostile input"): a replay file
 * mixing ordinary ticks with absurd ones — timestamps in seconds, microseconds and nanoseconds, far-future and pre-2000
 * times, price 1e308 (whose price·size once overflowed a symbol's state), sizes past 1e12, "NaN" and
 * "Infinity", huge ids — runs to the end through the real pipeline, with nothing in the on-failure
 * destination, exactly the absurd rows quarantined with a reason, and the ordinary ticks' bars equal
 * to the independent SQL reference (test/support/reference.ts) — also under injected faults.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../../local/run/local-run.js';
import type { ContractRow } from '../support/contract-csv.js';
import { type ReferenceBar, type ReferenceResult, referenceFor } from '../support/reference.js';

const INTERVALS = [
  { label: '1m', sizeMs: 60_000, slideMs: 60_000 },
  { label: '5m', sizeMs: 300_000, slideMs: 300_000 },
  { label: '1h', sizeMs: 3_600_000, slideMs: 3_600_000 },
  { label: '5m_1m', sizeMs: 300_000, slideMs: 60_000 },
];
const T0 = Date.UTC(2026, 10, 20, 11); // 1795172400000
const SYMBOLS = ['EURUSD', 'BTC-USDT', 'XAU:USD'];

/** One absurd row per kind, each with the reason it must be quarantined with. */
function absurdRows(ts: number): [fields: [string, string, string, string, string], reason: string][] {
  return [
    [[String(ts * 1000), 'EURUSD', '1.08', '5', 'u1'], 'looks like microseconds'],
    [[`${ts}000000`, 'EURUSD', '1.08', '5', 'n1'], 'looks like nanoseconds'],
    [[String(Math.floor(ts / 1000)), 'BTC-USDT', '65000', '1', 's1'], 'looks like seconds'],
    [[String(ts), 'EURUSD', '1e308', '5', 'p1'], 'price must be at most 1e12'],
    [[String(ts), 'XAU:USD', '2150', '1e13', 'z1'], 'size must be at most 1e12'],
    [[String(ts), 'BTC-USDT', 'NaN', '1', 'nan'], 'price must be a finite number > 0'],
    [[String(ts), 'BTC-USDT', '65000', 'Infinity', 'inf'], 'size must be a finite number ≥ 0'],
    [['2150-01-01T00:00:00Z', 'XAU:USD', '2150', '1', 'f1'], 'outside the accepted event times'],
    [['9000000000000000', 'EURUSD', '1.08', '1', 'f2'], 'outside the accepted event times'],
    [['1999-12-31T23:59:59Z', 'EURUSD', '1.08', '1', 'old'], 'outside the accepted event times'],
    [[String(ts), 'EURUSD', '1.08', '1', 'i'.repeat(1000)], 'at most 128 characters'],
  ];
}

interface AbsurdFile {
  readonly text: string;
  readonly rows: ContractRow[];
  readonly ordinary: ContractRow[];
  readonly reasons: string[];
}

/** About 300 ordinary ticks over 40 minutes, out of order now and then, with every absurd kind twice in between. */
function absurdFile(): AbsurdFile {
  let s = 7;
  const r = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const rows: ContractRow[] = [];
  const ordinary: ContractRow[] = [];
  const reasons: string[] = [];
  const push = (fields: [string, string, string, string, string], keep: boolean) => {
    const row = { seq: rows.length, fields, line: fields.join(',') };
    rows.push(row);
    if (keep) ordinary.push(row);
  };
  const prices = [1.0875, 65_000, 2150.5];
  let clock = T0;
  for (let i = 0; i < 300; i++) {
    clock += Math.floor(r() * 16_000);
    const k = Math.floor(r() * SYMBOLS.length);
    prices[k]! *= Math.exp((r() - 0.5) * 0.002);
    const ts = r() < 0.1 ? clock - Math.floor(r() * 90_000) : clock;
    push(
      [
        String(ts),
        SYMBOLS[k]!,
        String(Number(prices[k]!.toPrecision(8))),
        String(Number((r() * 4).toFixed(3))),
        `o${i}`,
      ],
      true,
    );
    if (i % 25 === 12) {
      for (const [fields, reason] of absurdRows(clock)) {
        push(fields, false);
        reasons.push(reason);
      }
    }
  }
  return {
    text: `ts,symbol,price,size,id\n${rows.map((row) => row.line).join('\n')}\n`,
    rows,
    ordinary,
    reasons,
  };
}

let dir: string;
let csvPath: string;
let file: AbsurdFile;
let reference: ReferenceResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-absurd-'));
  file = absurdFile();
  csvPath = join(dir, 'ticks.csv');
  await writeFile(csvPath, file.text);
  // The reference over the ordinary rows alone: the absurd rows must change nothing.
  reference = await referenceFor(file.ordinary, INTERVALS);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readLake(lake: string): Promise<{ bars: ReferenceBar[]; quarantine: { reason: string }[] }> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    const bars = (
      await c.runAndReadAll(`
        SELECT symbol, interval, epoch_ms(window_start) AS window_start, epoch_ms(window_end) AS window_end,
          open, high, low, close, volume, vwap, trade_count
        FROM read_parquet('${lake}/bars/**/*.parquet', hive_partitioning = true)
        ORDER BY symbol, interval, window_start`)
    ).getRowObjectsJS() as Record<string, unknown>[];
    const quarantine = (
      await c.runAndReadAll(
        `SELECT reason FROM read_parquet('${lake}/quarantine/**/*.parquet', hive_partitioning = true)`,
      )
    ).getRowObjectsJS() as { reason: string }[];
    return {
      bars: bars.map((b) => ({
        ...(b as unknown as ReferenceBar),
        window_start: Number(b.window_start),
        window_end: Number(b.window_end),
        trade_count: Number(b.trade_count),
      })),
      quarantine,
    };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const barKey = (b: ReferenceBar) => `${b.symbol}|${b.interval}|${b.window_start}`;

describe('a replay of ordinary ticks mixed with absurd ones', { timeout: 240_000 }, () => {
  it('the reference with the contract’s bounds quarantines exactly the absurd rows', async () => {
    const all = await referenceFor(file.rows, INTERVALS);
    expect(all.quarantined).toBe(file.reasons.length);
    expect(all.valid).toBe(file.ordinary.length);
    expect(all.bars).toEqual(reference.bars);
  });

  for (const [name, extra] of [
    ['plain', {}],
    ['chaos', { chaos: 0.3, seed: 4, batchSize: 29, pack: 5 }],
  ] as const) {
    it(`runs to the end with only the absurd rows quarantined and the reference bars (${name})`, async () => {
      const out = join(dir, name);
      const summary = await runLocalPipeline({
        source: { kind: 'replay', file: csvPath },
        out,
        intervals: INTERVALS.map((i) => i.label),
        ...extra,
      });
      expect(summary.records.toDestination).toBe(0);
      expect(summary.discarded.batches).toBe(0);
      expect(summary.rows).toBe(file.rows.length);
      expect(summary.valid).toBe(file.ordinary.length);
      expect(summary.quarantined).toBe(file.reasons.length);
      expect(summary.duplicates).toBe(reference.duplicates);

      const lake = await readLake(join(out, 'lake'));
      const quarantined = lake.quarantine.map((q) => q.reason);
      for (const reason of new Set(file.reasons)) {
        expect(quarantined.filter((q) => q.includes(reason)).length).toBe(
          file.reasons.filter((r) => r === reason).length,
        );
      }
      expect(lake.bars.map(barKey)).toEqual(reference.bars.map(barKey));
      const byKey = new Map(reference.bars.map((b) => [barKey(b), b]));
      for (const a of lake.bars) {
        const e = byKey.get(barKey(a))!;
        expect([a.open, a.high, a.low, a.close, a.trade_count]).toEqual([
          e.open,
          e.high,
          e.low,
          e.close,
          e.trade_count,
        ]);
        expect(a.volume).toBeCloseTo(e.volume, 9);
        if (e.vwap === null) expect(a.vwap).toBeNull();
        else expect(Math.abs(a.vwap! - e.vwap) / e.vwap).toBeLessThan(1e-12);
      }
    });
  }
});
