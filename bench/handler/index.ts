import { createAggregatorHandler } from '../../functions/aggregator/handler.js';
import { InMemoryOutputStore, InMemoryStateStore } from '../../shared/adapters/memory/stores.js';
import { aggregatorConfig } from '../../shared/domain/index.js';
import type { BatchReport } from '../../shared/pipeline/aggregation-service.js';
import { AggregationService } from '../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../shared/pipeline/domain-engine.js';
import { simulateTicks } from '../data/ticks.js';
import { assertSameBars } from '../harness/bar-agreement.js';
import { BenchWorkloadError } from '../harness/errors.js';
import { quantile, type Sample, summarize, timeOnce } from '../harness/measure.js';
import { type BenchRow, formatCount, formatMs, type SuiteResult, verdict } from '../harness/report.js';
import type { SuiteContext } from '../harness/suite.js';
import { kinesisEvents } from './kinesis-event.js';
import { NaiveBarAggregator } from './naive-aggregator.js';

const SUITE = 'handler';
const RECORDS_PER_BATCH = 10_000;
/** One full Kinesis batch through decode + validate + aggregate. */
export const TARGET_BATCH_MS = 100;

/**
 * Benchmark 2: consecutive 10,000-record Kinesis events of one shard through the aggregator's real
 * handler (`createAggregatorHandler` → `AggregationService` with the domain engine), its state and
 * output ports in memory; beside it a naive JSON.parse + Map-per-window aggregator on the same events.
 * Steady state: each batch restores the symbols' state committed by the previous one.
 */
export async function runHandlerBench({ quick, log }: SuiteContext): Promise<SuiteResult> {
  const warmup = quick ? 3 : 10;
  const runs = quick ? 10 : 30;
  const batches = warmup + runs;
  log(`${SUITE}: simulating ${batches} batches of ${formatCount(RECORDS_PER_BATCH)} records…`);
  const events = kinesisEvents(
    simulateTicks({ ticks: batches * RECORDS_PER_BATCH, seed: 23 }),
    RECORDS_PER_BATCH,
  );
  const config = aggregatorConfig();

  const state = new InMemoryStateStore('reference');
  const outputs = new InMemoryOutputStore();
  const service = new AggregationService({ state, outputs, engine: domainEngineFactory(config) });
  const reports: BatchReport[] = [];
  const handler = createAggregatorHandler(service, (report) => reports.push(report));
  const naive = new NaiveBarAggregator(config.intervals);

  const ours: Sample[] = [];
  const reference: Sample[] = [];
  for (let i = 0; i < batches; i++) {
    const event = events[i]!;
    const timed = await timeOnce(() => handler(event));
    const response = timed.result as Awaited<ReturnType<typeof handler>>;
    if (response.batchItemFailures.length > 0) {
      throw new BenchWorkloadError(
        SUITE,
        `batch ${i} reported ${response.batchItemFailures.length} failures`,
      );
    }
    const naiveTimed = await timeOnce(() => naive.process(event));
    if (i >= warmup) {
      ours.push(timed.sample);
      reference.push(naiveTimed.sample);
    }
  }

  await service.flushAll();
  const totals = reports.reduce(
    (t, r) => ({
      valid: t.valid + r.valid,
      quarantined: t.quarantined + r.quarantined,
      late: t.late + sum(r.late),
    }),
    { valid: 0, quarantined: 0, late: 0 },
  );
  if (totals.quarantined > 0 || totals.late > 0 || naive.rejected > 0) {
    throw new BenchWorkloadError(
      SUITE,
      `expected only valid, on-time ticks (quarantined ${totals.quarantined}, late ${totals.late})`,
    );
  }
  const compared = assertSameBars(SUITE, [...outputs.bars.values()], naive.result());
  log(`${SUITE}: ${formatCount(compared)} bars agree with the naive aggregator`);

  const oursTiming = summarize(ours);
  const refTiming = summarize(reference);
  const oursCpu = quantile(
    ours.map((s) => s.cpuMs),
    0.5,
  );
  const refCpu = quantile(
    reference.map((s) => s.cpuMs),
    0.5,
  );
  const row = (label: string, o: number, r: number): BenchRow => ({
    suite: SUITE,
    name: `one ${formatCount(RECORDS_PER_BATCH)}-record batch, ${label}`,
    ours: formatMs(o),
    reference: formatMs(r),
    ratio: r / o,
    target: `≤ ${TARGET_BATCH_MS} ms`,
    status: verdict(o <= TARGET_BATCH_MS),
    values: { oursMs: o, referenceMs: r },
  });
  return {
    suite: SUITE,
    rows: [
      row('p50 wall', oursTiming.wallMedianMs, refTiming.wallMedianMs),
      row('p95 wall', oursTiming.wallP95Ms, refTiming.wallP95Ms),
      row('p50 CPU time', oursCpu, refCpu),
    ],
    notes: [
      `${runs} timed batches after ${warmup} warm-up ones, each a KinesisStreamEvent of ${formatCount(RECORDS_PER_BATCH)} ` +
        `base64 JSON ticks (MarketSimulator seed 23, 20 symbols, trade ids, 2% out of order); one shard, so each batch ` +
        `restores the state the previous one committed (steady state), ${formatCount(totals.valid)} ticks in all.`,
      'Ours: the aggregator Lambda handler (base64 → UTF-8 → decodeRecordPayload/validateTick → per-symbol restore, apply, ' +
        'drain, snapshot, conditional commit), six default intervals, with in-memory StateStore/OutputStore (no I/O, no marshalling).',
      'Reference: naive handler in the same process — JSON.parse + type checks + one bar object per window per interval ' +
        'in a Map keyed by string (5m_1m updates 5 windows per tick), no watermark, dedup, state or outputs.',
      `Agreement: after a final flush, our ${formatCount(compared)} final bars equal the naive bars (prices and counts exact, sums 1e-9).`,
    ],
  };
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
