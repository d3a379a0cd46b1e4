/**
 * `npm run bench -- --only scale`: market-rate loads through the real local pipeline (embedded
 * emulators, one shard, default settings), each checked against the independent SQL reference
 * (test/support/reference.ts): ticks/s, records to the on-failure destination (must be 0),
 * duplicates dropped vs producer retries sent, bars exact, and the metered cost (README "Cost").
 */

import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perMonth } from '../../shared/cost/index.js';
import { type BenchRow, formatCount, verdict } from '../harness/report.js';
import type { Suite } from '../harness/suite.js';
import { scaleCases } from './cases.js';
import { type CaseOutcome, runScaleCase } from './run-case.js';

/** The cost targets of the reference workload (README "Cost"). */
export const COST_TARGETS = { perMillionTicks: 0.05, perMonthAt1000: 130, idlePerMonth: 15 } as const;

export const runScaleBench: Suite = async ({ quick, log }) => {
  const workDir = join(tmpdir(), 'tickflow-bench-scale');
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    for (const scaleCase of scaleCases(quick)) {
      const outcome = await runScaleCase(scaleCase, workDir, log);
      rows.push(throughputRow(outcome));
      if (scaleCase.costTargets) rows.push(...costRows(outcome));
      notes.push(caseNote(outcome));
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
  const allDropped = dropped === o.referenceDuplicates && dropped === o.retriesSent;
  const ok = s.records.toDestination === 0 && allDropped && exact;
  return {
    suite: 'scale',
    name: `${o.scaleCase.name}: ${o.scaleCase.describe} (${formatCount(o.rows)} rows)`,
    ours:
      `${formatCount(s.ticksPerSecond)} ticks/s; ${s.records.toDestination} to on-failure; ` +
      `${formatCount(dropped)}/${formatCount(o.retriesSent)} retries dropped; bars exact: ${exact ? 'yes' : 'no'}`,
    reference: `SQL reference: ${formatCount(o.agreement.bars)} bars, ${formatCount(o.referenceDuplicates)} duplicates`,
    ratio: null,
    target: '0 to on-failure, every retry dropped, bars exact',
    status: verdict(ok),
    values: {
      rows: o.rows,
      valid: s.valid,
      ticksPerSecond: s.ticksPerSecond,
      streamMs: s.durationsMs.stream ?? 0,
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
  const c = o.summary.cost;
  const monthly = perMonth(c.perMillionTicks, 1_000);
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
  return [
    row(
      'metered $ per million ticks',
      usd(c.perMillionTicks, 4),
      `≤ $${COST_TARGETS.perMillionTicks}`,
      c.perMillionTicks <= COST_TARGETS.perMillionTicks,
      { perMillionTicks: c.perMillionTicks },
    ),
    row(
      '$ per month at 1,000 ticks/s (request-driven)',
      usd(monthly, 0),
      `≈ $${COST_TARGETS.perMonthAt1000}`,
      monthly <= COST_TARGETS.perMonthAt1000 * 1.05,
      { perMonth: monthly },
    ),
    row(
      'idle $ per month (inventory)',
      usd(c.idlePerMonth.usd, 2),
      `≤ $${COST_TARGETS.idlePerMonth}`,
      c.idlePerMonth.usd <= COST_TARGETS.idlePerMonth,
      { idlePerMonth: c.idlePerMonth.usd },
    ),
  ];
}

/** The case's cost lines per service and what its run looked like, for RESULTS.md. */
function caseNote(o: CaseOutcome): string {
  const s = o.summary;
  const c = s.cost;
  const services = Object.entries(c.byService)
    .filter(([, line]) => line.usd > 0)
    .map(([name, line]) => `${name} $${line.perMillionTicks.toFixed(4)}`)
    .join(', ');
  const u = c.usage;
  const esm = s.eventSourceMapping;
  const diffs =
    o.agreement.differences.length > 0 ? ` Differences: ${o.agreement.differences.join('; ')}.` : '';
  return (
    `${o.scaleCase.name}: ${formatCount(s.valid)} valid ticks in ${((s.durationsMs.stream ?? 0) / 1000).toFixed(0)} s of stream phase ` +
    `(${(o.wallMs / 1000).toFixed(0)} s wall); ${esm.invocations} aggregator invocations ` +
    `(${formatCount(s.records.produced)} records, ${esm.retries} retries, ${esm.bisections} bisections); ` +
    `per million ticks $${c.perMillionTicks.toFixed(4)} (${services}); ` +
    `DynamoDB ${formatCount(u['dynamodb.writeUnits'])} WRU + ${formatCount(u['dynamodb.readUnits'])} RRU, ` +
    `Lambda ${formatCount(u['lambda.requests'])} requests ${u['lambda.gbSeconds'].toFixed(1)} GB-s, ` +
    `S3 ${formatCount(u['s3.putCopyPostListRequests'])} PUT/LIST, Keyspaces ${formatCount(u['keyspaces.writeUnits'])} WRU` +
    `${c.unpriced.length > 0 ? ` (not priced: ${c.unpriced.join(', ')})` : ''}; idle $${c.idlePerMonth.usd.toFixed(2)}/month.${diffs}`
  );
}
