/**
 * `npm run bench -- --only e2e-transport`: one replay file through the whole local pipeline on each
 * transport, one after the other in one process — `local run --source kinesis` (kinesalite) and
 * `--source kafka` (the local Apache Kafka broker) — each lake checked against the independent SQL
 * reference (test/support/reference.ts). Reports each run's ticks/s of the stream phase and the ratio.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isJavaAvailable } from '../../local/jvm/index.js';
import { runLocalPipeline } from '../../local/run/local-run.js';
import type { RunSummary } from '../../local/run/summary.js';
import { writeMarketLoadCsv } from '../../test/support/market-load.js';
import { referenceForCsv } from '../../test/support/reference.js';
import { type BenchRow, formatCount, verdict } from '../harness/report.js';
import type { Suite } from '../harness/suite.js';
import { compareLake, type LakeAgreement } from '../scale/agreement.js';
import { REFERENCE_INTERVALS } from '../scale/run-case.js';

const SUITE = 'e2e-transport';
const TRANSPORTS = ['kinesis', 'kafka'] as const;
type Transport = (typeof TRANSPORTS)[number];

export const runTransportBench: Suite = async ({ quick, log }) => {
  if (!isJavaAvailable()) {
    return { suite: SUITE, rows: [], notes: ['skipped: Java 17+ is needed for the local Kafka broker'] };
  }
  // 16 symbols (Zipf 1), 2,000 ticks/s of event time; 1% producer retries, 2% late arrivals.
  const load = { ticks: quick ? 20_000 : 100_000, rate: 2_000, symbols: 16, zipf: 1, seed: 21 };
  const partitions = 2;
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-transport-'));
  try {
    const file = join(dir, 'load.csv');
    const rows = await writeMarketLoadCsv(file, load);
    const reference = await referenceForCsv(file, REFERENCE_INTERVALS);
    log(`${SUITE}: ${formatCount(rows)} rows, reference ${formatCount(reference.bars.length)} bars`);
    const runs = {} as Record<Transport, { summary: RunSummary; agreement: LakeAgreement }>;
    for (const stream of TRANSPORTS) {
      const out = join(dir, stream);
      await mkdir(out);
      const summary = await runLocalPipeline({
        source: { kind: 'replay', file },
        out,
        stream,
        shards: partitions,
      });
      const agreement = await compareLake(summary.lake.dir, reference);
      runs[stream] = { summary, agreement };
      log(
        `${SUITE}: ${stream}: ${formatCount(Math.round(summary.ticksPerSecond))} ticks/s, ` +
          `bars ${agreement.differences.length === 0 ? 'exact' : `differ: ${agreement.differences.join('; ')}`}`,
      );
    }
    const exact = (t: Transport) =>
      runs[t].agreement.differences.length === 0 &&
      runs[t].summary.valid === reference.valid &&
      runs[t].summary.duplicates === reference.duplicates &&
      runs[t].summary.records.toDestination === 0;
    const { kinesis, kafka } = runs;
    const row: BenchRow = {
      suite: SUITE,
      name: `local run end to end, one replay of ${formatCount(rows)} rows (${load.symbols} symbols, Zipf), ${partitions} shards / partitions: Kafka vs Kinesis`,
      ours: `Kafka ${formatCount(Math.round(kafka.summary.ticksPerSecond))} ticks/s; bars exact: ${exact('kafka') ? 'yes' : 'no'}`,
      reference: `Kinesis ${formatCount(Math.round(kinesis.summary.ticksPerSecond))} ticks/s; bars exact: ${exact('kinesis') ? 'yes' : 'no'}`,
      ratio: kafka.summary.ticksPerSecond / kinesis.summary.ticksPerSecond,
      target: 'both lakes equal the SQL reference (speed: context)',
      status: verdict(exact('kafka') && exact('kinesis')),
      values: {
        rows,
        referenceBars: reference.bars.length,
        kafkaTicksPerSecond: kafka.summary.ticksPerSecond,
        kinesisTicksPerSecond: kinesis.summary.ticksPerSecond,
        kafkaStreamMs: kafka.summary.durationsMs.stream ?? 0,
        kinesisStreamMs: kinesis.summary.durationsMs.stream ?? 0,
        kafkaBarsExact: exact('kafka') ? 1 : 0,
        kinesisBarsExact: exact('kinesis') ? 1 : 0,
      },
    };
    return {
      suite: SUITE,
      rows: [row],
      notes: [
        `one market-load replay file (${formatCount(load.ticks)} ticks + producer retries, 2% late arrivals), run by \`runLocalPipeline\` as \`tickflow local run --replay FILE --shards ${partitions}\` does, first with --source kinesis, then --source kafka (its broker's start is outside the stream phase); ticks/s of the stream phase (publish until both consumers are idle), as the run summary reports it; ratio = Kafka / Kinesis`,
        `each lake compared with the independent SQL reference: ${formatCount(reference.bars.length)} bars, ${formatCount(reference.duplicates)} duplicates, ${formatCount(reference.late.length)} late ticks`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
