import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../infra/config.js';
import { scheduledFunctions } from '../../infra/cost-inventory.js';
import { runLocalPipeline } from '../../local/run/local-run.js';
import type { RunSample } from '../../local/run/options.js';
import { startLocalServing } from '../../local/run/serving.js';
import type { RunSummary } from '../../local/run/summary.js';
import { type CostSection, costOfRun, type Usage } from '../../shared/cost/index.js';
import { writeMarketLoadCsv } from '../../test/support/market-load.js';
import { referenceForCsv } from '../../test/support/reference.js';
import { compareLake, type LakeAgreement } from './agreement.js';
import type { ScaleCase } from './cases.js';
import { missingCloses, type SteadyInterval, steadyInterval } from './steady.js';

const M = 60_000;
/** The six default intervals, written out for the reference rather than parsed by the engine. */
export const REFERENCE_INTERVALS = [
  { label: '1m', sizeMs: M, slideMs: M },
  { label: '5m', sizeMs: 5 * M, slideMs: 5 * M },
  { label: '15m', sizeMs: 15 * M, slideMs: 15 * M },
  { label: '1h', sizeMs: 60 * M, slideMs: 60 * M },
  { label: '1d', sizeMs: 1440 * M, slideMs: 1440 * M },
  { label: '5m_1m', sizeMs: 5 * M, slideMs: M },
];

/** What one case measured. */
export interface CaseOutcome {
  readonly scaleCase: ScaleCase;
  readonly rows: number;
  readonly retriesSent: number;
  readonly summary: RunSummary;
  /** The meter at the end of the stream phase: live batches and scheduled rounds, no end-of-run drain. */
  readonly streamCost: CostSection;
  readonly referenceDuplicates: number;
  readonly referenceValid: number;
  readonly agreement: LakeAgreement;
  readonly wallMs: number;
  /** The steady interval of a case that has one. */
  readonly steady?: SteadyOutcome;
}

export interface SteadyOutcome {
  readonly interval: SteadyInterval;
  /** The interval's usage priced per tick produced in it. */
  readonly cost: CostSection;
  /** Final bars the interval would have closed at the steady rate but did not, by interval. */
  readonly missing: Readonly<Record<string, number>>;
  /** The interval's dollars over the final bars it closed: no bar costs more. */
  readonly perBarUsdAtMost: number;
  /** What the missing closes would add per million ticks, at most. */
  readonly missingPerMillionTicksAtMost: number;
}

/**
 * Writes the case's CSV, computes the independent reference from it, runs it through the local
 * pipeline (`runLocalPipeline`, embedded emulators, one shard) and compares the lake with the reference.
 */
export async function runScaleCase(
  scaleCase: ScaleCase,
  workDir: string,
  log: (line: string) => void,
): Promise<CaseOutcome> {
  const dir = join(workDir, scaleCase.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'load.csv');
  const rows = await writeMarketLoadCsv(file, scaleCase.load);
  log(`${scaleCase.name}: ${rows.toLocaleString('en-US')} rows written; computing the reference`);
  const reference = await referenceForCsv(file, REFERENCE_INTERVALS, scaleCase.allowedLatenessMs);
  log(
    `${scaleCase.name}: reference has ${reference.bars.length.toLocaleString('en-US')} bars; running the pipeline`,
  );

  const serving = scaleCase.serving ? await startLocalServing('auto', log) : undefined;
  const started = performance.now();
  let summary: RunSummary;
  let streamUsage: Usage | undefined;
  const samples: RunSample[] = [];
  try {
    let lastLog = 0;
    summary = await runLocalPipeline({
      source: { kind: 'replay', file },
      out: join(dir, 'out'),
      shards: 1,
      serving,
      allowedLatenessMs: scaleCase.allowedLatenessMs,
      ...(scaleCase.steady
        ? { usageSamples: { everyMs: scaleCase.steady.sampleEveryMs, onSample: (s) => samples.push(s) } }
        : {}),
      ...(scaleCase.live
        ? {
            live: true,
            rate: scaleCase.load.rate,
            // What AWS runs: the deployed schedule and batching window, not the local run's shorter ones.
            scheduleEveryMs: scheduledFunctions(DEFAULT_CONFIG).materializer * 60_000,
            compactEveryMs: scheduledFunctions(DEFAULT_CONFIG).compactor * 60_000,
            maximumBatchingWindowMs: DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds * 1000,
          }
        : {}),
      onStreamPhaseEnd: (usage) => {
        streamUsage = usage;
      },
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastLog < 30_000) return;
        lastLog = now;
        log(
          `${scaleCase.name}: ${p.phase}, ${p.published.toLocaleString('en-US')} published, ${p.applied.toLocaleString('en-US')} applied`,
        );
      },
    });
  } finally {
    await serving?.stop();
  }
  const wallMs = performance.now() - started;
  const agreement = await compareLake(summary.lake.dir, reference);
  const streamCost = costOfRun(
    { ...summary.cost.usage, ...streamUsage, 'kinesis.shardHours': 0 },
    summary.cost.facts,
    summary.cost.inventory,
  );
  let steady: SteadyOutcome | undefined;
  try {
    steady = scaleCase.steady && steadyCost(summary, samples, scaleCase.steady.fromMs);
  } catch (err) {
    // A long run's samples are worth keeping: they are all it takes to price another interval.
    log(`${scaleCase.name}: samples ${JSON.stringify(samples)}`);
    throw err;
  }
  return {
    scaleCase,
    rows,
    retriesSent: rows - scaleCase.load.ticks,
    summary,
    streamCost,
    referenceDuplicates: reference.duplicates,
    referenceValid: reference.valid,
    agreement,
    wallMs,
    steady,
  };
}

/** The steady interval of a live run, priced per tick it produced (shard-hours are idle cost). */
function steadyCost(summary: RunSummary, samples: readonly RunSample[], fromMs: number): SteadyOutcome {
  const interval = steadyInterval(samples, fromMs);
  const cost = costOfRun(
    { ...interval.usage, 'kinesis.shardHours': 0 },
    { ...summary.cost.facts, ticks: interval.ticks, ticksPerSecond: interval.ticksPerSecond },
    summary.cost.inventory,
  );
  const closed = Object.values(interval.bars).reduce((a, n) => a + n, 0);
  const missing = missingCloses(interval.bars, REFERENCE_INTERVALS);
  // Upper bound of one final bar's cost: the whole interval's dollars as if only closing bars cost anything.
  const usd = (cost.perMillionTicks * interval.ticks) / 1e6;
  const perBarUsd = closed === 0 ? 0 : usd / closed;
  const missingBars = Object.values(missing).reduce((a, n) => a + n, 0);
  return {
    interval,
    cost,
    missing,
    perBarUsdAtMost: perBarUsd,
    missingPerMillionTicksAtMost: (missingBars * perBarUsd * 1e6) / Math.max(interval.ticks, 1),
  };
}
