/**
 * `npm run bench [-- --quick] [-- --only stream,handler,features,parquet,scale,kafka-client,e2e-transport,esm-runner] [-- --cases hot,…]`: the speed targets of
 * tickflow measured beside a reference run in the same process, reported as ratios. Prints a table,
 * writes bench/results.json and bench/RESULTS.md (a quick run writes results.quick.json and
 * RESULTS.quick.md, so smoke numbers never replace real ones; a run of some suites or cases only,
 * `--only scale --cases hot`, writes results.scale.hot.json and RESULTS.scale.hot.md). Exits 1 when a target fails or when
 * ours and a reference disagree.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runEsmRunnerBench } from './esm-runner/index.js';
import { runFeaturesBench } from './features/index.js';
import { runHandlerBench } from './handler/index.js';
import { openDuckDb } from './harness/duckdb.js';
import { collectGarbage } from './harness/gc.js';
import { describeMachine, finishMachineInfo, startMachineInfo } from './harness/machine.js';
import { type BenchReport, renderConsoleTable, type SuiteResult, writeReport } from './harness/report.js';
import type { Suite } from './harness/suite.js';
import { runKafkaClientBench } from './kafka-client/index.js';
import { runParquetBench } from './parquet/index.js';
import { runScaleBench } from './scale/index.js';
import { runStreamCoreBench } from './stream-core/index.js';
import { runTransportBench } from './transport/index.js';

const SUITES: Readonly<Record<string, Suite>> = {
  stream: runStreamCoreBench,
  handler: runHandlerBench,
  features: runFeaturesBench,
  parquet: runParquetBench,
  scale: runScaleBench,
  'kafka-client': runKafkaClientBench,
  'e2e-transport': runTransportBench,
  'esm-runner': runEsmRunnerBench,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    cases: { type: 'string' },
  },
});
const quick = values.quick === true;
const cases = values.cases?.split(',').map((s) => s.trim());
const selected = values.only?.split(',').map((s) => s.trim()) ?? Object.keys(SUITES);
const unknown = selected.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite(s) ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

const started = performance.now();
const db = await openDuckDb(2);
const machine = startMachineInfo(db.version);
console.log(describeMachine(machine));
console.log(`mode: ${quick ? 'quick' : 'full'} · suites: ${selected.join(', ')}\n`);

const suites: SuiteResult[] = [];
try {
  for (const name of selected) {
    collectGarbage();
    const suiteStarted = performance.now();
    try {
      suites.push(await SUITES[name]!({ quick, cases, db, log: (line) => console.log(`  ${line}`) }));
      console.log(`  ${name}: done in ${((performance.now() - suiteStarted) / 1000).toFixed(0)} s`);
    } catch (err) {
      console.error(`  ${name}: ${err instanceof Error ? err.message : String(err)}`);
      suites.push({
        suite: name,
        rows: [
          {
            suite: name,
            name: 'did not complete',
            ours: '—',
            reference: '—',
            ratio: null,
            target: 'completes, results agree',
            status: 'FAIL',
            values: {},
          },
        ],
        notes: [`Error: ${err instanceof Error ? err.message : String(err)}`],
      });
    }
  }
} finally {
  db.close();
}

const report: BenchReport = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  totalSeconds: (performance.now() - started) / 1000,
  machine: finishMachineInfo(machine),
  suites,
};
const rows = suites.flatMap((s) => s.rows);
console.log(`\n${renderConsoleTable(rows)}\n`);
for (const suite of suites) for (const note of suite.notes) console.log(`  [${suite.suite}] ${note}`);
const here = dirname(fileURLToPath(import.meta.url));
// A run of some suites or cases writes files of its own, so it never replaces the full run's numbers.
const suffix = `${quick ? '.quick' : ''}${values.only ? `.${selected.join('-')}` : ''}${cases ? `.${cases.join('-')}` : ''}`;
writeReport(report, join(here, `results${suffix}.json`), join(here, `RESULTS${suffix}.md`));
console.log(
  `\n${report.totalSeconds.toFixed(0)} s; load average at end ${report.machine.loadAverageEnd.map((l) => l.toFixed(2)).join(' ')}; ` +
    `wrote bench/results${suffix}.json and bench/RESULTS${suffix}.md`,
);
if (rows.some((r) => r.status === 'FAIL')) process.exitCode = 1;
