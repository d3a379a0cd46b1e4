/**
 * `npm run bench -- --only scale`: market-rate loads through the real local pipeline (embedded
 * emulators, one shard, default settings), each checked against the independent SQL reference
 * (test/support/reference.ts): ticks/s, records to the on-failure destination (must be 0),
 * duplicates dropped vs producer retries sent, bars exact, and the metered cost (README "Cost").
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../infra/config.js';
import { scheduledFunctions } from '../../infra/cost-inventory.js';
import { type CostSection, perMonth } from '../../shared/cost/index.js';
import { type BenchRow, formatCount, verdict } from '../harness/report.js';
import type { Suite } from '../harness/suite.js';
import { scaleCases } from './cases.js';
import { type CaseOutcome, runScaleCase, type SteadyOutcome } from './run-case.js';

/** The cost targets of the reference workload (README "Cost"). */
export const COST_TARGETS = { perMillionTicks: 0.05, perMonthAt1000: 130, idlePerMonth: 15 } as const;

export const runScaleBench: Suite = async ({ quick, cases, log }) => {
  // A directory of its own: two scale benches at once must not delete each other's files.
  const workDir = await mkdtemp(join(tmpdir(), 'tickflow-bench-scale-'));
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    const all = scaleCases(quick);
    const unknown = cases?.filter((name) => !all.some((c) => c.name === name)) ?? [];
    if (unknown.length > 0) {
      throw new Error(
        `unknown scale case(s) ${unknown.join(', ')}; choose from ${all.map((c) => c.name).join(', ')}`,
      );
    }
    const chosen = all.filter((c) => (cases === undefined ? !c.optIn : cases.includes(c.name)));
    for (const scaleCase of chosen) {
      const outcome = await runScaleCase(scaleCase, workDir, log);
      rows.push(throughputRow(outcome));
      if (scaleCase.costTargets) rows.push(...costRows(outcome));
      if (outcome.steady) rows.push(steadyRow(outcome, outcome.steady));
      notes.push(caseNote(outcome));
      if (outcome.steady) notes.push(steadyNote(outcome, outcome.steady));
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return { suite: 'scale', rows, notes };
};

function throughputRow(o: CaseOutcome): BenchRow {
  const s = o.summary;
  const dropped = s.duplicates;
  const exact = o.agreement.differences.length === 0 && s.valid === o.referenceValid;
  // Every retry of these loads lies within the default horizon; a case with a shorter lateness (and so
  // horizon) lets some through by the contract, and the reference says how many.
  const everyRetry =
    (o.scaleCase.allowedLatenessMs ?? DEFAULT_CONFIG.allowedLatenessMs) >= DEFAULT_CONFIG.allowedLatenessMs;
  const allDropped = dropped === o.referenceDuplicates && (!everyRetry || dropped === o.retriesSent);
  // Bronze keeps every valid tick once (trade-id duplicates included; only redeliveries go).
  const bronzeComplete = s.bronze.ticks === s.valid && s.bronze.rows === s.bronze.ticks;
  const ok = s.records.toDestination === 0 && allDropped && exact && bronzeComplete;
  return {
    suite: 'scale',
    name: `${o.scaleCase.name}: ${o.scaleCase.describe} (${formatCount(o.rows)} rows)`,
    ours:
      `${formatCount(s.ticksPerSecond)} ticks/s; ${s.records.toDestination} to on-failure; ` +
      `${formatCount(dropped)}/${formatCount(o.retriesSent)} retries dropped; bars exact: ${exact ? 'yes' : 'no'}; ` +
      `bronze ${formatCount(s.bronze.ticks)} ticks in ${formatCount(s.bronze.files)} files, ${s.bronze.compactions} compaction runs, the last in ${((s.durationsMs.compact ?? 0) / 1000).toFixed(0)} s`,
    reference: `SQL reference: ${formatCount(o.agreement.bars)} bars, ${formatCount(o.referenceDuplicates)} duplicates`,
    ratio: null,
    target: '0 to on-failure, every retry dropped, bars exact, every valid tick in bronze',
    status: verdict(ok),
    values: {
      rows: o.rows,
      valid: s.valid,
      ticksPerSecond: s.ticksPerSecond,
      streamMs: s.durationsMs.stream ?? 0,
      compactMs: s.durationsMs.compact ?? 0,
      bronzeTicks: s.bronze.ticks,
      bronzeFiles: s.bronze.files,
      wallMs: o.wallMs,
      toDestination: s.records.toDestination,
      duplicatesDropped: dropped,
      retriesSent: o.retriesSent,
      referenceDuplicates: o.referenceDuplicates,
      bars: o.agreement.bars,
      barsExact: exact ? 1 : 0,
      perMillionTicks: s.cost.perMillionTicks,
      idlePerMonth: s.cost.idlePerMonth.usd,
    },
  };
}

const usd = (n: number, digits: number) => `$${n.toFixed(digits)}`;

function costRows(o: CaseOutcome): BenchRow[] {
  const whole = o.summary.cost;
  const stream = o.streamCost;
  const row = (name: string, ours: string, target: string, ok: boolean, values: Record<string, number>) =>
    ({
      suite: 'scale',
      name: `${o.scaleCase.name}: ${name}`,
      ours,
      reference: '—',
      ratio: null,
      target,
      status: verdict(ok),
      values,
    }) satisfies BenchRow;
  const { perMillionTicks, perMonthAt1000, idlePerMonth } = COST_TARGETS;
  // The whole run carries the end-of-run drain (every open window flushed, the lake written once
  // more, bronze compacted), which a running deployment never pays; the stream phase has no bar
  // closing when it is shorter than the lateness. The verdict uses the whole run: the upper figure.
  const perM = (c: typeof whole) => `${usd(c.perMillionTicks, 4)}`;
  return [
    row(
      'metered $ per million ticks, whole run (stream phase alone)',
      `${perM(whole)} (${perM(stream)})`,
      `≤ $${perMillionTicks}`,
      whole.perMillionTicks <= perMillionTicks,
      { perMillionTicks: whole.perMillionTicks, streamPhasePerMillionTicks: stream.perMillionTicks },
    ),
    row(
      '$ per month at 1,000 ticks/s, request-driven, whole run (stream phase alone)',
      `${usd(perMonth(whole.perMillionTicks, 1_000), 0)} (${usd(perMonth(stream.perMillionTicks, 1_000), 0)})`,
      `≈ $${perMonthAt1000}`,
      perMonth(whole.perMillionTicks, 1_000) <= perMonthAt1000 * 1.05,
      {
        perMonth: perMonth(whole.perMillionTicks, 1_000),
        streamPhasePerMonth: perMonth(stream.perMillionTicks, 1_000),
      },
    ),
    row(
      'idle $ per month (always-on inventory)',
      usd(whole.idlePerMonth.usd, 2),
      `≤ $${idlePerMonth}`,
      whole.idlePerMonth.usd <= idlePerMonth,
      { idlePerMonth: whole.idlePerMonth.usd },
    ),
  ];
}

/** The services a cost section has dollars for, per million ticks. */
const services = (c: CostSection) =>
  Object.entries(c.byService)
    .filter(([, line]) => line.usd > 0)
    .map(([name, line]) => `${name} $${line.perMillionTicks.toFixed(4)}`)
    .join(', ');

/** The case's cost lines per service and what its run looked like, for RESULTS.md. */
function caseNote(o: CaseOutcome): string {
  const s = o.summary;
  const c = s.cost;
  const u = c.usage;
  const esm = s.eventSourceMapping;
  const diffs =
    o.agreement.differences.length > 0 ? ` Differences: ${o.agreement.differences.join('; ')}.` : '';
  return (
    `${o.scaleCase.name}: ${formatCount(s.valid)} valid ticks in ${((s.durationsMs.stream ?? 0) / 1000).toFixed(0)} s of stream phase ` +
    `(${(o.wallMs / 1000).toFixed(0)} s wall; end-of-run bronze compaction ${((s.durationsMs.compact ?? 0) / 1000).toFixed(0)} s ` +
    `into ${formatCount(s.bronze.files)} files holding ${formatCount(s.bronze.ticks)} ticks); ${esm.invocations} aggregator invocations ` +
    `(${formatCount(s.records.produced)} records, ${esm.retries} retries, ${esm.bisections} bisections); ` +
    `per million ticks $${c.perMillionTicks.toFixed(4)} (${services(c)}), stream phase alone ` +
    `$${o.streamCost.perMillionTicks.toFixed(4)} (${services(o.streamCost)}); ` +
    `DynamoDB ${formatCount(u['dynamodb.writeUnits'])} WRU + ${formatCount(u['dynamodb.readUnits'])} RRU, ` +
    `Lambda ${formatCount(u['lambda.requests'])} requests ${u['lambda.gbSeconds'].toFixed(1)} GB-s, ` +
    `S3 ${formatCount(u['s3.putCopyPostListRequests'])} PUT/LIST, Keyspaces ${formatCount(u['keyspaces.writeUnits'])} WRU` +
    `${c.unpriced.length > 0 ? ` (not priced: ${c.unpriced.join(', ')})` : ''}; idle $${c.idlePerMonth.usd.toFixed(2)}/month ` +
    `(${c.idlePerMonth.lines
      .filter((l) => l.count > 0)
      .map((l) => `${l.item} ×${l.count} ${l.usd === null ? 'unpriced' : `$${l.usd.toFixed(2)}`}`)
      .join(', ')}).${diffs}`
  );
}

/** The steady interval's cost per million ticks against the target, with what shows whether the consumer kept up. */
function steadyRow(o: CaseOutcome, st: SteadyOutcome): BenchRow {
  const i = st.interval;
  const minutes = (ms: number) => (ms / 60_000).toFixed(1);
  return {
    suite: 'scale',
    name: `${o.scaleCase.name}: $ per million ticks from ${minutes(i.fromMs)} to ${minutes(i.toMs)} min (${o.scaleCase.steady?.note})`,
    ours:
      `${usd(st.cost.perMillionTicks, 4)} (${services(st.cost)}); +≤ ${usd(st.missingPerMillionTicksAtMost, 4)} for closes the run could not reach; ` +
      `${i.recordsPerBatch.toFixed(1)} records per batch; producer ${formatCount(i.ticksPerSecond)} ticks/s`,
    reference: '—',
    ratio: null,
    target: `≤ $${COST_TARGETS.perMillionTicks}`,
    status: verdict(
      st.cost.perMillionTicks + st.missingPerMillionTicksAtMost <= COST_TARGETS.perMillionTicks,
    ),
    values: {
      steadyPerMillionTicks: st.cost.perMillionTicks,
      missingClosesPerMillionTicksAtMost: st.missingPerMillionTicksAtMost,
      steadyFromMs: i.fromMs,
      steadyToMs: i.toMs,
      steadyTicks: i.ticks,
      producerTicksPerSecond: i.ticksPerSecond,
      recordsPerBatch: i.recordsPerBatch,
      invocations: i.invocations,
      backlogAtStart: i.backlogAtStart,
    },
  };
}

function steadyNote(o: CaseOutcome, st: SteadyOutcome): string {
  const i = st.interval;
  const u = i.usage;
  const count = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .map(([label, n]) => `${label} ${formatCount(Math.round(n))}`)
      .join(', ');
  return (
    `${o.scaleCase.name} (${o.scaleCase.steady?.note}): interval ${(i.fromMs / 1000).toFixed(0)}–${(i.toMs / 1000).toFixed(0)} s of the stream phase, ` +
    `${formatCount(i.ticks)} ticks produced (${i.ticksPerSecond.toFixed(0)} ticks/s held), backlog at its start ${formatCount(i.backlogAtStart)} ticks; ` +
    `${formatCount(i.invocations)} aggregator invocations, ${i.recordsPerBatch.toFixed(1)} records (of up to 100 ticks) per batch; ` +
    `bronze compactor runs: ${i.compactions} (every ${scheduledFunctions(DEFAULT_CONFIG).compactor} min, as deployed); ` +
    `$${st.cost.perMillionTicks.toFixed(4)} per million ticks (${services(st.cost)}), $${perMonth(st.cost.perMillionTicks, 1_000).toFixed(0)} a month at 1,000 ticks/s; ` +
    `DynamoDB ${formatCount(u['dynamodb.writeUnits'])} WRU + ${formatCount(u['dynamodb.readUnits'])} RRU, ` +
    `Lambda ${formatCount(u['lambda.requests'])} requests ${u['lambda.gbSeconds'].toFixed(1)} GB-s, ` +
    `S3 ${formatCount(u['s3.putCopyPostListRequests'])} PUT/LIST + ${formatCount(u['s3.getAndOtherRequests'])} GET, ` +
    `Kinesis ${formatCount(u['kinesis.putPayloadUnits'])} PUT payload units, Keyspaces ${formatCount(u['keyspaces.writeUnits'])} WRU (not priced); ` +
    `final bars closed: ${count(i.bars)}; not reached at the steady rate: ${count(st.missing) || 'none'}, ` +
    `at most $${st.perBarUsdAtMost.toFixed(6)} a bar (the interval's dollars over its closed bars), so at most ` +
    `$${st.missingPerMillionTicksAtMost.toFixed(4)} per million ticks more.`
  );
}
