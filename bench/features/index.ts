import { buildBarGrid, computeFeatures, FEATURE_NAMES } from '../../shared/domain/features/index.js';
import { MINUTE_MS, simulateBars } from '../data/bars.js';
import { setThreads } from '../harness/duckdb.js';
import { BenchWorkloadError } from '../harness/errors.js';
import { timeOnce, timeRounds } from '../harness/measure.js';
import {
  type BenchRow,
  duckDbLoadRow,
  formatCount,
  formatMs,
  type SuiteResult,
  verdict,
} from '../harness/report.js';
import type { SuiteContext } from '../harness/suite.js';
import { checkFeaturesAgree, FEATURE_TOLERANCE } from './agreement.js';
import { featureRows } from './compute.js';
import { featuresSql, loadBars, SQL_FEATURES } from './features-sql.js';
import { FeatureWorkers } from './parallel.js';

const SUITE = 'features';
/** The features task against the same features in DuckDB SQL. */
export const TARGET_SPEEDUP = 3;

/**
 * Benchmark 3: gold 1m bars of many symbols through `buildBarGrid` + `computeFeatures` per symbol
 * (every feature of docs/features.md) against DuckDB computing the grid and the non-recursive features with
 * window functions, at threads=1 and threads=2. Both results are compared before timing.
 */
export async function runFeaturesBench({ quick, db, log }: SuiteContext): Promise<SuiteResult> {
  const symbols = quick ? 10 : 50;
  const barsPerSymbol = quick ? 10_000 : 20_000;
  // The agreement pass just before runs both sides once, so it is the warm-up; DuckDB's runs are long.
  const rounds = quick ? { warmup: 1, runs: 3 } : { warmup: 0, runs: 3 };
  const totalBars = symbols * barsPerSymbol;
  log(`${SUITE}: simulating ${formatCount(totalBars)} bars…`);
  const workload = { symbols, barsPerSymbol, seed: 5 };
  const series = simulateBars(workload);
  const { connection } = db;
  const load = await timeOnce(() => loadBars(connection, series));
  const sql = featuresSql(MINUTE_MS);
  await connection.run(sql);
  // The same computation on 2 threads, symbols split between them: DuckDB's threads=2 counterpart.
  const workers = await FeatureWorkers.start(2, workload);
  const measured = await (async () => {
    // The frames are not kept: 1M rows of features hold ~250 MB that would only burden the GC while timing.
    const agreement = await checkFeaturesAgree(
      SUITE,
      series.map((bars) => computeFeatures(buildBarGrid(bars, MINUTE_MS))),
      connection,
    );
    const parallelRows = await workers.run();
    if (parallelRows !== agreement.rows) {
      throw new BenchWorkloadError(
        SUITE,
        `the 2 workers built ${parallelRows} grid rows, one thread ${agreement.rows}`,
      );
    }
    log(`${SUITE}: ${formatCount(agreement.values)} feature values agree with DuckDB; timing…`);
    const timings = await timeRounds(
      [
        { name: 'ours', run: () => featureRows(series) },
        { name: 'ours-2', run: () => workers.run() },
        { name: 'duckdb-1', run: () => setThreads(connection, 1).then(() => connection.run(sql)) },
        { name: 'duckdb-2', run: () => setThreads(connection, 2).then(() => connection.run(sql)) },
      ],
      rounds,
    );
    return { agreement, timings };
  })().finally(() => workers.close());
  const { agreement } = measured;
  const [ours, ours2, duck1, duck2] = measured.timings;
  await connection.run('DROP TABLE sql_features; DROP TABLE bars');

  const versus = (threads: number, own: typeof ours, duck: typeof duck1): BenchRow => {
    const ratio = duck!.wallMedianMs / own!.wallMedianMs;
    return {
      suite: SUITE,
      name: `${formatCount(totalBars)} bars vs DuckDB SQL, threads=${threads}`,
      ours: `${formatMs(own!.wallMedianMs)} (${threads} thread${threads > 1 ? 's' : ''})`,
      reference: formatMs(duck!.wallMedianMs),
      ratio,
      target: `≥ ${TARGET_SPEEDUP.toFixed(2)}×`,
      status: verdict(ratio >= TARGET_SPEEDUP),
      values: {
        oursWallMs: own!.wallMedianMs,
        oursCpuMs: own!.cpuMedianMs,
        referenceWallMs: duck!.wallMedianMs,
      },
    };
  };
  return {
    suite: SUITE,
    rows: [versus(1, ours, duck1), versus(2, ours2, duck2), duckDbLoadRow(SUITE, 'bars', load.sample.wallMs)],
    notes: [
      `${symbols} symbols × ${formatCount(barsPerSymbol)} seeded GBM 1m bars with ~1% missing windows ` +
        `(${formatCount(agreement.rows)} grid rows after forward fill).`,
      `Ours: buildBarGrid + computeFeatures per symbol — all ${FEATURE_NAMES.length} features, EMA 12/26 and RSI 14 included, ` +
        "each symbol's frame let go before the next (the features task writes it and drops it); " +
        `CPU time ${formatMs(ours!.cpuMedianMs)}. Against threads=2, the same on 2 worker threads with the symbols ` +
        'split round-robin (each worker simulated its own copy of the bars before timing), as the Map state splits ' +
        'symbols between Lambda invocations.',
      `Reference: one DuckDB statement (grid by generate_series, forward fill by last_value IGNORE NULLS, window ` +
        `functions) computing the ${SQL_FEATURES.length} non-recursive features into a table; EMA and RSI are recursive ` +
        'and left out (a recursive CTE steps one row per iteration), so the reference does less work than ours.',
      `Agreement: every grid row and every one of ${formatCount(agreement.values)} common feature values ` +
        `within ${FEATURE_TOLERANCE} relative (max seen ${agreement.maxRelativeDifference.toExponential(1)}), nulls identical.`,
      `CPU time, median: ours ${formatMs(ours!.cpuMedianMs)}, DuckDB threads=1 ${formatMs(duck1!.cpuMedianMs)} ` +
        `(CPU-time ratio ${(duck1!.cpuMedianMs / ours!.cpuMedianMs).toFixed(2)}×, the load-independent comparison on one core).`,
      `Median of ${rounds.runs} runs after ${rounds.warmup} warm-up round (plus the agreement pass, which runs both once), contenders interleaved per round.`,
    ],
  };
}
