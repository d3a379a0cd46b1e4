/**
 * `tickflow report` as a person sees it: the HTML file opened from disk in headless Chromium (Debian's
 * `chromium`, installed by test/support/browser when missing; the test fails if it cannot be), with
 * no network. It waits for the charts, fails on any console error, and checks that the candles drawn
 * (read back through lightweight-charts' own series API) are the bars of the lake, queried apart with
 * DuckDB. A report made with `--athena` (through the replayed Athena API: no Athena runs here) opens
 * the same way. Screenshots go to `.tickflow/test-output/report/`.
 */

import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ENGINES, type QueryEngines } from '../../cli/commands/query.js';
import { register } from '../../cli/commands/report.js';
import { runPreprocessLocally } from '../../local/preprocess/index.js';
import { encodeParquet } from '../../shared/adapters/parquet/index.js';
import { AthenaQueryEngine } from '../../shared/adapters/query/athena-query.js';
import { DuckDbLake } from '../../shared/adapters/query/duckdb-lake.js';
import {
  LATE_SCHEMA,
  latePartitionKey,
  partitionFileKey,
  QUARANTINE_SCHEMA,
} from '../../shared/lake/index.js';
import { partitionKey } from '../../shared/lake/keys.js';
import { rowObjects } from '../../shared/query/result.js';
import { launchChromium } from '../support/browser/chromium.js';
import { writeBarsLake } from '../support/preprocess/lake-fixture.js';
import { ReplayAthena } from '../support/query/athena-replay.js';
import { REPORT_EXCHANGE } from '../support/report/athena-report-exchange.js';
import { WIDE_LAKE, writeWideLake } from '../support/report/wide-lake.js';

const SCREENSHOTS = resolve('.tickflow/test-output/report');
/** The documented bound of a report with the default flags (docs/report.md, "Size"). */
const MAX_REPORT_BYTES = 4 * 2 ** 20;

let browser: Browser;
const dirs: string[] = [];
beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 900_000);
afterAll(async () => {
  await browser?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tickflow-report-${name}-`));
  dirs.push(dir);
  return dir;
}

/** Runs `tickflow report …` in process; returns stdout, stderr and the exit code. */
async function tickflowReport(...args: string[]) {
  return tickflowReportWith(DEFAULT_ENGINES, ...args);
}

async function tickflowReportWith(engines: QueryEngines, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const program = new Command('tickflow').exitOverride();
  register(program, engines);
  try {
    await program.parseAsync(['report', ...args], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout: out.join(''), stderr: err.join(''), code: process.exitCode ?? 0 };
}

interface Opened {
  readonly page: Page;
  readonly errors: string[];
}

/** Opens a report file offline and waits until its script says the charts are drawn. */
async function open(file: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForSelector('#chart canvas');
  return { page, errors };
}

type Candle = { time: number; open: number; high: number; low: number; close: number };

/** Picks a symbol and interval in the pickers, as a person would, and reads back what is drawn. */
async function drawn(page: Page, symbol: string, interval: string) {
  await page.selectOption('#interval', interval);
  await page.selectOption('#symbol', symbol);
  return page.evaluate(() => {
    // biome-ignore lint/suspicious/noExplicitAny: the page's test hook, typed by its script only
    const report = (globalThis as any).tickflowReport;
    const chart = report.model.charts.find(
      (c: { symbol: string; interval: string }) =>
        c.symbol === report.current.symbol && c.interval === report.current.interval,
    );
    return {
      current: report.current,
      group: chart.group as number,
      candles: report.series.candles.data() as Candle[],
      volume: report.series.volume.data().length as number,
      vwap: report.series.vwap.data().length as number,
      rsi: (report.series.rsi?.data().length ?? 0) as number,
      markers: (report.markers?.markers() ?? []) as { time: number; text: string }[],
      panes: report.chart.panes().length as number,
    };
  });
}

/** First and last bar and count of a chart's candles, computed by DuckDB from the lake. */
async function expectedCandles(lake: DuckDbLake, symbol: string, interval: string, group: number) {
  const span = 60 * group;
  const sql = `WITH b AS (
      SELECT *, floor(epoch(window_start) / ${span}) * ${span} AS t FROM bars
      WHERE symbol = '${symbol}' AND "interval" = '${interval}'),
    c AS (SELECT t, min_by(open, window_start) AS open, max(high) AS high, min(low) AS low,
      max_by(close, window_start) AS close, sum(volume) > 0 AS traded FROM b GROUP BY t)
    SELECT CAST(t AS BIGINT) AS time, open, high, low, close, count(*) OVER () AS n,
      count(*) FILTER (WHERE traded) OVER () AS traded FROM c ORDER BY t`;
  const rows = rowObjects(await lake.run(sql));
  const candle = (r: (typeof rows)[number]) => ({
    time: r.time,
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
  });
  // VWAP is null (no point drawn) for a candle without volume.
  return {
    n: rows[0]!.n as number,
    withVwap: rows[0]!.traded as number,
    first: candle(rows[0]!),
    last: candle(rows.at(-1)!),
  };
}

describe('the report of a preprocessed lake', () => {
  let lakeDir: string;
  let file: string;
  let symbols: string[];
  let lateMinute: number;

  beforeAll(async () => {
    const dir = tempDir('market');
    lakeDir = join(dir, 'lake');
    const written = writeBarsLake(lakeDir);
    symbols = [...written.keys()].sort();
    lateMinute = written.get('EUR/USD')![100]!.windowStart;
    // Three late ticks of EUR/USD in the minute of its 101st bar, and two quarantined records.
    const lateAt = lateMinute + 5_000;
    const origin = (i: number) => ({
      arrival_time: lateAt + 600_000,
      shard_id: 'shardId-000000000000',
      sequence_number: String(i),
      sub_index: 0,
    });
    const late = [0, 1, 2].map((i) => ({
      ts: lateAt + i,
      price: 1.1,
      size: 1,
      id: null,
      watermark: lateAt + 700_000,
      ...origin(i),
    }));
    const quarantined = [3, 4].map((i) => ({
      raw: `{"price":-${i}}`,
      reason: `price must be a finite number > 0 (got -${i})`,
      field: 'price',
      ...origin(i),
    }));
    for (const [key, schema, rows] of [
      [latePartitionKey('1m', 'EUR/USD', lateAt), LATE_SCHEMA, late],
      [partitionKey('quarantine', { date: '2024-01-02' }), QUARANTINE_SCHEMA, quarantined],
    ] as const) {
      const path = join(lakeDir, partitionFileKey(key));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeParquet(schema, rows));
    }
    const { outcome } = await runPreprocessLocally({ lakeDir, retryDelayMs: 5 });
    expect(outcome.status).toBe('SUCCEEDED');
    file = join(dir, 'report.html');
    const { stdout, code } = await tickflowReport('--lake', lakeDir, '--out', file);
    expect(code).toBe(0);
    expect(stdout).toBe(`${file}\n`);
  }, 180_000);

  it('draws every symbol: the candles are the lake bars, with volume, VWAP, features and late markers', async () => {
    const { page, errors } = await open(file);
    const duck = await DuckDbLake.open({ lakeDir });
    try {
      expect(await page.locator('#symbol option').allTextContents()).toEqual(symbols);
      for (const symbol of symbols) {
        const seen = await drawn(page, symbol, '1m');
        expect(seen.current).toEqual({ symbol, interval: '1m' });
        expect(seen.group).toBe(1);
        const lake = await expectedCandles(duck, symbol, '1m', 1);
        expect(seen.candles.length).toBe(lake.n);
        expect(seen.candles[0]).toEqual(lake.first);
        expect(seen.candles.at(-1)).toEqual(lake.last);
        expect([seen.volume, seen.vwap]).toEqual([lake.n, lake.withVwap]);
        // Candles, volume, log return, volatility, RSI.
        expect(seen.panes).toBe(5);
        expect(seen.rsi).toBeGreaterThan(0);
        expect(seen.markers).toEqual(
          symbol === 'EUR/USD' ? [expect.objectContaining({ time: lateMinute / 1000, text: '3 late' })] : [],
        );
      }
      expect(await page.locator('.quality').textContent()).toContain('price must be a finite number > 0');
      await drawn(page, 'EUR/USD', '1m');
      await page.screenshot({ path: join(SCREENSHOTS, 'preprocessed-lake.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await duck.close();
    }
  });
});

describe('the report of a 2,000-symbol lake', () => {
  let lakeDir: string;
  let file: string;
  let stderr: string;

  beforeAll(async () => {
    const dir = tempDir('wide');
    lakeDir = join(dir, 'lake');
    writeWideLake(lakeDir);
    file = join(dir, 'report.html');
    const result = await tickflowReport('--lake', lakeDir, '--out', file);
    expect(result.code).toBe(0);
    stderr = result.stderr;
  }, 180_000);

  it('stays under the documented size with the default flags, and says how it pages and downsamples', () => {
    console.info(stderr.split('\n')[0]);
    expect(statSync(file).size).toBeLessThan(MAX_REPORT_BYTES);
    expect(stderr).toContain('2,000 symbols: this file charts 1–50 (S0000 … S0049), page 1 of 40');
    expect(stderr).toContain('Downsampled to stay within 60,000 candles');
    expect(stderr).toContain('No features of a preprocess run in the lake');
  });

  it('opens in the browser, lists every symbol, and its merged candles are the OHLC of the lake bars they span', async () => {
    const { page, errors } = await open(file);
    const duck = await DuckDbLake.open({ lakeDir });
    try {
      expect(await page.locator('#symbol option').count()).toBe(50);
      expect(await page.locator('.overview-table tbody tr').count()).toBe(WIDE_LAKE.symbols);
      expect(await page.locator('.notes').textContent()).toContain('No features of a preprocess run');
      for (const symbol of ['S0000', 'S0049']) {
        const seen = await drawn(page, symbol, '1m');
        expect(seen.group).toBeGreaterThan(1);
        const lake = await expectedCandles(duck, symbol, '1m', seen.group);
        expect(seen.candles.length).toBe(lake.n);
        expect(seen.candles[0]).toEqual(lake.first);
        expect(seen.candles.at(-1)).toEqual(lake.last);
        expect(seen.panes).toBe(2);
      }
      await page.screenshot({ path: join(SCREENSHOTS, 'wide-lake.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await duck.close();
    }
  });
});

it('--athena: the report of a deployed lake, read through the Athena engine (replayed API), opens and draws', async () => {
  const fake = new ReplayAthena(REPORT_EXCHANGE);
  const file = join(tempDir('athena'), 'report.html');
  const { stdout, code } = await tickflowReportWith(
    {
      ...DEFAULT_ENGINES,
      athena: (o) => new AthenaQueryEngine({ ...o, client: fake, sleep: async () => {} }),
    },
    '--athena',
    '--symbols',
    'EUR/USD',
    '--out',
    file,
  );
  expect([code, stdout, fake.finished]).toEqual([0, `${file}\n`, true]);
  const { page, errors } = await open(file);
  try {
    const seen = await drawn(page, 'EUR/USD', '1m');
    expect(seen.candles.map((c) => [c.open, c.close])).toEqual([
      [1.1, 1.101],
      [1.101, 1.103],
    ]);
    expect(seen.markers).toEqual([expect.objectContaining({ text: '3 late' })]);
    expect(await page.locator('header .meta').textContent()).toContain('Athena workgroup tickflow');
    expect(errors).toEqual([]);
  } finally {
    await page.context().close();
  }
});

describe('bad input gets one clear line, not a stack trace or an empty page', () => {
  it('no lake', async () => {
    const missing = join(tempDir('missing'), 'nope');
    const { stderr, code, stdout } = await tickflowReport(
      '--lake',
      missing,
      '--out',
      join(missing, 'r.html'),
    );
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(
      `tickflow report: lake directory ${missing} not found (run \`tickflow local run\` first, or pass --lake DIR)\n`,
    );
  });

  it('an empty lake', async () => {
    const empty = tempDir('empty');
    const { stderr, code } = await tickflowReport('--lake', empty, '--out', join(empty, 'r.html'));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `tickflow report: lake ${empty} has no bars: nothing to chart (run \`tickflow local run\` and report on its lake, or check --lake)\n`,
    );
  });

  it('unknown symbols, a page past the end, a broken summary', async () => {
    const dir = tempDir('bad');
    const lakeDir = join(dir, 'lake');
    writeBarsLake(lakeDir);
    const out = join(dir, 'r.html');
    expect((await tickflowReport('--lake', lakeDir, '--out', out, '--symbols', 'AAPL,NOPE')).stderr).toBe(
      `tickflow report: no bars in lake ${lakeDir} for "NOPE": check --symbols\n`,
    );
    expect((await tickflowReport('--lake', lakeDir, '--out', out, '--page', '2')).stderr).toBe(
      'tickflow report: --page 2 is past the last page (1): choose 1–1\n',
    );
    writeFileSync(join(dir, 'summary.json'), '{"rows": 1}');
    const broken = await tickflowReport('--lake', lakeDir, '--out', out);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(
      `tickflow report: run summary ${join(dir, 'summary.json')}: has no number "valid": is it the summary.json of \`tickflow local run\`?\n`,
    );
  });

  it('bad flags exit 2 with what to do', async () => {
    await expect(tickflowReport('--athena')).rejects.toThrow('--athena needs --symbols');
    await expect(tickflowReport('--athena', '--lake', '/x', '--symbols', 'A')).rejects.toThrow(
      '--lake and --athena exclude each other',
    );
    await expect(tickflowReport('--page', '0')).rejects.toThrow();
  });
});
