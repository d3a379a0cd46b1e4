/**
 * End to end: a small gold-bars lake → the preprocess state machine rendered from the CDK factory,
 * run locally on aws-local-stepfunctions → features/ and _manifest.json, checked against the
 * independent reference in test/support/preprocess/feature-reference.ts and read back with DuckDB
 * (hive partitioning, so the layout and the `EUR%2FUSD` escaping are checked too).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/preprocess.js';
import { runPreprocessLocally } from '../../local/preprocess/index.js';
import type { Bar } from '../../shared/domain/types.js';
import {
  close,
  meanStd,
  type RefRow,
  referenceBoundaries,
  referenceRows,
} from '../support/preprocess/feature-reference.js';
import { FIXTURE_START, MINUTE, writeBarsLake } from '../support/preprocess/lake-fixture.js';

const FEATURES = [
  'log_return',
  'volatility_10',
  'volatility_30',
  'volatility_60',
  'mean_return_5',
  'mean_return_10',
  'mean_return_20',
  'spread',
  'change',
  'log_range',
  'ema_12',
  'ema_26',
  'rsi_14',
  'williams_r_14',
  'ultimate_oscillator',
  'close_lag_1',
  'close_lag_2',
  'close_lag_3',
  'close_lag_4',
  'close_lag_5',
];

type Manifest = {
  split: { boundaries: { totalRows: number; trainEnd: number; validationEnd: number } };
  status: string;
  failedSymbols: { symbol: string; error: string; cause: string }[];
  symbols: {
    symbol: string;
    warmupRows: number;
    rows: Record<string, number>;
    filledRows: Record<string, number>;
    stats: Record<string, { count: number; mean: number | null; std: number | null }>;
  }[];
};

function tree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of tree(dir, rel)) out.set(k, v);
    else
      out.set(
        rel,
        createHash('sha256')
          .update(readFileSync(join(dir, rel)))
          .digest('hex'),
      );
  }
  return out;
}

async function readFeatures(lakeDir: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    const reader = await c.runAndReadAll(`
      SELECT split, symbol, epoch_ms(window_start) AS ws, * EXCLUDE (window_start, window_end, split, symbol)
      FROM read_parquet('${lakeDir}/features/*/*/*.parquet', hive_partitioning = true)
      ORDER BY symbol, ws`);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('preprocess state machine, run locally over a lake directory', () => {
  let lakeDir: string;
  let bars: Map<string, Bar[]>;
  let reference: Map<string, { kept: RefRow[]; warmup: RefRow[] }>;
  let firstRun: Map<string, string>;

  beforeAll(async () => {
    lakeDir = mkdtempSync(join(tmpdir(), 'tickflow-preprocess-'));
    bars = writeBarsLake(lakeDir);
    reference = new Map([...bars].map(([symbol, b]) => [symbol, referenceRows(symbol, b, MINUTE)]));
    const { outcome, stateTransitions } = await runPreprocessLocally({ lakeDir, retryDelayMs: 5 });
    expect(outcome.status).toBe('SUCCEEDED');
    // Billed transitions: prepare, the Map, one features task per symbol, finalize.
    expect(stateTransitions).toBe(outcome.symbols + 3);
    firstRun = tree(lakeDir, 'features');
  }, 120_000);

  afterAll(() => rmSync(lakeDir, { recursive: true, force: true }));

  it('writes every kept row once, in the split the global boundaries give, with the reference values', async () => {
    const allKept = [...reference.values()].flatMap((r) => r.kept);
    const { n, b1, b2 } = referenceBoundaries(allKept);
    const rows = await readFeatures(lakeDir);
    expect(rows.length).toBe(n);
    const expected = [...allKept].sort((a, b) =>
      a.symbol === b.symbol ? a.windowStart - b.windowStart : a.symbol < b.symbol ? -1 : 1,
    );
    const mismatches: string[] = [];
    rows.forEach((row, i) => {
      const ref = expected[i]!;
      const split = ref.windowStart < b1 ? 'train' : ref.windowStart < b2 ? 'val' : 'test';
      expect([row.symbol, Number(row.ws), row.split, row.filled]).toEqual([
        ref.symbol,
        ref.windowStart,
        split,
        ref.filled,
      ]);
      expect([row.open, row.close, row.volume, row.vwap, Number(row.trade_count)]).toEqual([
        ref.open,
        ref.close,
        ref.volume,
        ref.vwap,
        ref.tradeCount,
      ]);
      for (const name of FEATURES) {
        if (!close(row[name] as number | null, ref.f[name]!)) {
          mismatches.push(`${ref.symbol} ${ref.windowStart} ${name}: ${row[name]} vs ${ref.f[name]}`);
        }
      }
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('writes a manifest with the boundaries, row, warm-up and filled counts, and train-only stats', () => {
    const manifest = JSON.parse(readFileSync(join(lakeDir, 'features/_manifest.json'), 'utf8')) as Manifest;
    const { n, b1, b2 } = referenceBoundaries([...reference.values()].flatMap((r) => r.kept));
    expect(manifest.split.boundaries).toMatchObject({ totalRows: n, trainEnd: b1, validationEnd: b2 });
    expect(manifest.status).toBe('SUCCEEDED');
    expect(manifest.failedSymbols).toEqual([]);
    for (const s of manifest.symbols) {
      const { kept, warmup } = reference.get(s.symbol)!;
      const of = (split: string) =>
        kept.filter((r) =>
          split === 'train'
            ? r.windowStart < b1
            : split === 'val'
              ? r.windowStart >= b1 && r.windowStart < b2
              : r.windowStart >= b2,
        );
      const count = (rs: RefRow[]) => rs.filter((r) => r.filled).length;
      expect(s.warmupRows).toBe(60);
      expect(s.rows).toEqual({ train: of('train').length, val: of('val').length, test: of('test').length });
      expect(s.filledRows).toEqual({
        warmup: count(warmup),
        train: count(of('train')),
        val: count(of('val')),
        test: count(of('test')),
      });
      expect(count(warmup) + count(kept)).toBeGreaterThan(0);
      for (const name of FEATURES) {
        const ref = meanStd(of('train').map((r) => r.f[name]!));
        const got = s.stats[name]!;
        expect(got.count, `${s.symbol} ${name}`).toBe(ref.count);
        expect(close(got.mean, ref.mean), `${s.symbol} ${name} mean ${got.mean} vs ${ref.mean}`).toBe(true);
        expect(close(got.std, ref.std, 1e-8), `${s.symbol} ${name} std ${got.std} vs ${ref.std}`).toBe(true);
      }
    }
  });

  it('is idempotent: a second run leaves byte-identical files and removes stale ones', async () => {
    const stale = [
      'features/split=train/symbol=AAPL/part-00001.parquet',
      'features/split=val/symbol=GONE/part-00000.parquet',
    ];
    for (const key of stale) {
      mkdirSync(dirname(join(lakeDir, key)), { recursive: true });
      writeFileSync(join(lakeDir, key), 'stale');
    }
    const { outcome } = await runPreprocessLocally({ lakeDir, retryDelayMs: 5 });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(tree(lakeDir, 'features')).toEqual(firstRun);
  }, 60_000);
});

describe('a symbol with a corrupt bars file', () => {
  let lakeDir: string;

  beforeAll(() => {
    lakeDir = mkdtempSync(join(tmpdir(), 'tickflow-preprocess-bad-'));
    writeBarsLake(lakeDir);
    // BAD has bars on three dates; the middle one is not Parquet. Prepare reads only the first and
    // last dates, so the failure happens in the features task, where the Map retries and catches it.
    writeBarsLake(lakeDir, [{ symbol: 'BAD', offsetMinutes: 118, gridRows: 3, seed: 9 }]);
    writeBarsLake(lakeDir, [{ symbol: 'BAD', offsetMinutes: 118 + 2 * 1440, gridRows: 3, seed: 9 }]);
    const corrupt = join(lakeDir, 'bars/interval=1m/symbol=BAD/date=2024-01-02/part-00000.parquet');
    mkdirSync(dirname(corrupt), { recursive: true });
    writeFileSync(corrupt, 'PAR1 this is not a parquet file');
    expect(FIXTURE_START + (118 + 2 * 1440) * MINUTE).toBe(Date.UTC(2024, 0, 3, 23, 58));
  });

  afterAll(() => rmSync(lakeDir, { recursive: true, force: true }));

  it('is retried, then reported as failed in the manifest while the other symbols complete', async () => {
    const progress: string[] = [];
    const { outcome, attempts, stateTransitions } = await runPreprocessLocally({
      lakeDir,
      retryDelayMs: 5,
      onSymbol: (p) => progress.push(`${p.symbol}:${p.status}`),
    });
    expect(attempts.BAD).toBe(2);
    // Step Functions bills a retry as another transition.
    expect(stateTransitions).toBeGreaterThanOrEqual(outcome.symbols + 3 + 1);
    expect(progress).toContain('BAD:retrying');
    expect(progress).toContain('BAD:failed');
    expect(outcome.status).toBe('PARTIAL');
    expect(outcome.symbols).toBe(3);
    expect(outcome.failedSymbols).toEqual([
      expect.objectContaining({
        symbol: 'BAD',
        error: 'UnreadableBarsError',
        cause: expect.stringContaining('date=2024-01-02'),
      }),
    ]);
    const manifest = JSON.parse(readFileSync(join(lakeDir, 'features/_manifest.json'), 'utf8')) as Manifest;
    expect(manifest.failedSymbols.map((f) => f.symbol)).toEqual(['BAD']);
    expect(manifest.symbols.map((s) => s.symbol)).toEqual(['AAPL', 'BTC-USDT', 'EUR/USD']);
    expect(readdirSync(join(lakeDir, 'features/split=train')).sort()).toEqual([
      'symbol=AAPL',
      'symbol=BTC-USDT',
      'symbol=EUR%2FUSD',
    ]);
  }, 60_000);

  it('makes `tickflow preprocess --lake` exit non-zero and name the failed symbol', async () => {
    const out: string[] = [];
    const program = new Command('tickflow').exitOverride();
    register(program, { out: (t) => out.push(t), err: () => {} });
    const before = process.exitCode;
    try {
      await program.parseAsync(['preprocess', '--lake', lakeDir, '--concurrency', '2'], { from: 'user' });
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
    expect(out.join('')).toMatch(/status PARTIAL: 3 symbol\(s\) of 1m/);
    expect(out.join('')).toMatch(/BAD: UnreadableBarsError/);
  }, 60_000);
});
