import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeParquet, type LakeColumns } from '../../shared/adapters/parquet/index.js';
import type { Bar } from '../../shared/domain/types.js';
import { BARS_SCHEMA, barRow } from '../../shared/lake/index.js';
import { simulateBars } from '../data/bars.js';
import { loadBars } from '../features/features-sql.js';
import { setThreads } from '../harness/duckdb.js';
import { timeRounds } from '../harness/measure.js';
import { type BenchRow, formatCount, formatMs, type SuiteResult } from '../harness/report.js';
import type { SuiteContext } from '../harness/suite.js';

const SUITE = 'parquet';

/**
 * Benchmark 4 (context, no target): gold bars encoded as one SNAPPY Parquet file by the lake's writer
 * (`encodeParquet`, parquet-wasm) and written to disk, beside DuckDB's `COPY … TO` of the same bars.
 */
export async function runParquetBench({ quick, db, log }: SuiteContext): Promise<SuiteResult> {
  const symbols = quick ? 10 : 50;
  const barsPerSymbol = quick ? 10_000 : 20_000;
  // A small encode first loads the WebAssembly module; then no warm-up round is needed for 1M-row encodes.
  const rounds = { warmup: 0, runs: quick ? 2 : 3 };
  const total = symbols * barsPerSymbol;
  log(`${SUITE}: simulating ${formatCount(total)} bars…`);
  const series = simulateBars({ symbols, barsPerSymbol, seed: 7, gapFraction: 0 });
  const bars = series.flat();
  const rows = bars.map(barRow);
  const columns = barColumns(bars);

  const { connection } = db;
  await loadBars(connection, series, 'pq_source');
  await connection.run(
    `CREATE OR REPLACE TABLE pq_bars AS SELECT epoch_ms(window_start) AS window_start, epoch_ms(window_end) AS window_end,
      open, high, low, close, volume, vwap, trade_count FROM pq_source`,
  );
  await connection.run('DROP TABLE pq_source');

  const dir = mkdtempSync(join(tmpdir(), 'tickflow-bench-'));
  const file = (name: string) => join(dir, name);
  const copy = (threads: number) => async () => {
    await setThreads(connection, threads);
    await connection.run(
      `COPY pq_bars TO '${file(`duckdb-${threads}.parquet`)}' (FORMAT parquet, COMPRESSION snappy)`,
    );
  };
  try {
    encodeParquet(BARS_SCHEMA, rows.slice(0, 1000));
    log(`${SUITE}: timing…`);
    const [fromRows, fromColumns, duck1, duck2] = await timeRounds(
      [
        { name: 'rows', run: () => writeFileSync(file('rows.parquet'), encodeParquet(BARS_SCHEMA, rows)) },
        {
          name: 'columns',
          run: () => writeFileSync(file('columns.parquet'), encodeParquet(BARS_SCHEMA, columns)),
        },
        { name: 'duckdb-1', run: copy(1) },
        { name: 'duckdb-2', run: copy(2) },
      ],
      rounds,
    );
    const size = (name: string) => statSync(file(name)).size / 2 ** 20;
    const row = (name: string, ours: number, duck: number, threads: number, oursFile: string): BenchRow => ({
      suite: SUITE,
      name: `${formatCount(total)} bars, ${name} vs DuckDB COPY threads=${threads}`,
      ours: `${formatMs(ours)} (${size(oursFile).toFixed(1)} MB)`,
      reference: `${formatMs(duck)} (${size(`duckdb-${threads}.parquet`).toFixed(1)} MB)`,
      ratio: duck / ours,
      target: 'context',
      status: 'info',
      values: {
        oursWallMs: ours,
        referenceWallMs: duck,
        oursMiB: size(oursFile),
        referenceMiB: size(`duckdb-${threads}.parquet`),
      },
    });
    await connection.run('DROP TABLE pq_bars');
    return {
      suite: SUITE,
      rows: [
        row('encodeParquet(rows)', fromRows!.wallMedianMs, duck1!.wallMedianMs, 1, 'rows.parquet'),
        row('encodeParquet(rows)', fromRows!.wallMedianMs, duck2!.wallMedianMs, 2, 'rows.parquet'),
        row('encodeParquet(columns)', fromColumns!.wallMedianMs, duck2!.wallMedianMs, 2, 'columns.parquet'),
      ],
      notes: [
        `${formatCount(total)} seeded 1m bars, the gold bar schema (9 columns), one file, SNAPPY, written to a temp dir.`,
        'Ours: `encodeParquet` (parquet-wasm, V1 pages, TIMESTAMP(MILLIS, UTC), page statistics, row groups of 262,144) ' +
          'from lake rows (`barRow`, what the lake materializer passes) and from typed-array columns, plus writeFileSync.',
        'Reference: DuckDB `COPY pq_bars TO … (FORMAT parquet, COMPRESSION snappy)` from an in-memory table ' +
          '(TIMESTAMP → INT64 micros, its default row groups of 122,880). Context only: DuckDB is 70 MB native, not for Lambda.',
        `Median of ${rounds.runs} runs, after a 1,000-row encode that loads the WebAssembly module.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bars as typed-array columns of the bar schema (vwap nulls as a plain array). */
function barColumns(bars: readonly Bar[]): LakeColumns {
  const n = bars.length;
  const f64 = () => new Float64Array(n);
  const c = {
    window_start: f64(),
    window_end: f64(),
    open: f64(),
    high: f64(),
    low: f64(),
    close: f64(),
    volume: f64(),
    vwap: new Array<number | null>(n),
    trade_count: f64(),
  };
  bars.forEach((b, i) => {
    c.window_start[i] = b.windowStart;
    c.window_end[i] = b.windowEnd;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
    c.vwap[i] = b.vwap;
    c.trade_count[i] = b.tradeCount;
  });
  return c;
}
