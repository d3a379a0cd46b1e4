import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createBronzeHandler } from '../../functions/bronze/handler.js';
import { DEFAULT_CONFIG, resolveConfig } from '../../infra/config.js';
import { alwaysOnInventory, lambdaSizing } from '../../infra/cost-inventory.js';
import { createKinesisClient, createS3Client } from '../../shared/adapters/aws-clients.js';
import { wireBronze } from '../../shared/adapters/bronze/index.js';
import { FaultInjector } from '../../shared/adapters/chaos.js';
import { UsageMeter } from '../../shared/adapters/cost/usage-meter.js';
import { decodeKinesisRecords } from '../../shared/adapters/kinesis/records.js';
import {
  KinesisPublisher,
  type PublishStats,
  putRecordsWith,
} from '../../shared/adapters/kinesis-publisher.js';
import { addReports } from '../../shared/adapters/metrics.js';
import { decodeParquet } from '../../shared/adapters/parquet/index.js';
import { wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { batchResponse } from '../../shared/adapters/stream-event.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_FUTURE_SKEW_MS } from '../../shared/config.js';
import { costOfRun, gbSeconds, shardHours, sqsRequests, type Usage } from '../../shared/cost/index.js';
import { aggregatorConfig, parseIntervals } from '../../shared/domain/index.js';
import type { EventTimeRange } from '../../shared/domain/tick-bounds.js';
import { parsePartitionPath, utcDate } from '../../shared/lake/index.js';
import { type BatchReport, emptyReport } from '../../shared/pipeline/aggregation-service.js';
import type { ServingSink } from '../../shared/pipeline/ports.js';
import { CsvTickParser, replayCsv } from '../../shared/producer/csv-replay.js';
import { MarketSimulator, type SimulationOptions } from '../../shared/producer/simulator.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import { seedToState } from '../../shared/random.js';
import { startLocalAws } from '../aws-stack.js';
import type { OnFailureRecord } from '../esm/types.js';
import { EventSourceMappingRunner } from '../esm-runner.js';
import { ticksInDiscardedRange } from './discarded.js';
import { exportLake } from './export-lake.js';
import type { LocalServing, ServingPartitionRange } from './serving.js';
import { countsFromStates, type RunSummary } from './summary.js';

export type RunSource =
  | { readonly kind: 'simulate'; readonly simulation: SimulationOptions }
  | { readonly kind: 'replay'; readonly file: string };

export interface LocalRunOptions {
  readonly source: RunSource;
  /** Output directory: `lake/`, `summary.json`, `dlq.jsonl`. */
  readonly out: string;
  readonly shards?: number;
  /** Records per invocation. @default the deployed consumer's (`DEFAULT_CONFIG.consumer` in infra/config.ts) */
  readonly batchSize?: number;
  /**
   * Lambda's MaximumBatchingWindowInSeconds, in ms: a batch is invoked when it is full, reaches the
   * payload limit, or has waited this long. @default the deployed consumer's
   */
  readonly maximumBatchingWindowMs?: number;
  readonly intervals?: readonly string[];
  readonly allowedLatenessMs?: number;
  readonly dedupHorizonMs?: number;
  /** Accepted event times [from, to), epoch ms. @default [2000-01-01, 2100-01-01) */
  readonly eventTimeRange?: EventTimeRange;
  /**
   * Live mode only (a simulation with a `rate`): quarantine ticks stamped more than this far ahead
   * of their arrival in Kinesis. A replay is never checked: it is a pure function of its file.
   * @default 5 minutes (shared/config.ts)
   */
  readonly maxFutureSkewMs?: number;
  /** Ticks per second the producer publishes (live mode for a simulation); unlimited when absent. */
  readonly rate?: number;
  /**
   * Run the scheduled work (idle watermark marks, lake refresh) while the stream flows, as AWS does.
   * @default true for a simulation with a `rate`, false otherwise
   */
  readonly live?: boolean;
  /** Processing time between two rounds of that scheduled work. @default 2,000 ms (AWS: 1 minute) */
  readonly scheduleEveryMs?: number;
  /** Ticks packed per Kinesis record (JSON arrays). @default 100 */
  readonly pack?: number;
  /** Probability that a state or sink write fails (half before, half after it takes effect). @default 0 */
  readonly chaos?: number;
  /**
   * Retries of a failed batch before its records go to the on-failure destination, as the event source
   * mapping's MaximumRetryAttempts. @default 10 (the deployed default), unlimited under `chaos`
   */
  readonly maxRetryAttempts?: number;
  readonly seed?: number | string;
  /** Idle timeout of the live idle flush (processing time). */
  readonly idleTimeoutMs?: number;
  /** Serving store to write forming and final bars to; its lifetime is the caller's. */
  readonly serving?: LocalServing;
  /**
   * Called once when the stream phase ends (every record consumed, before the final flush), with the
   * usage metered so far: the cost of live batches and scheduled rounds without the end-of-run drain.
   */
  readonly onStreamPhaseEnd?: (usage: Usage, streamMs: number) => void;
  /** Progress: ticks published and ticks applied so far. */
  readonly onProgress?: (p: RunProgress) => void;
}

export interface RunProgress {
  readonly phase: 'stream' | 'flush' | 'materialize' | 'export';
  readonly published: number;
  readonly applied: number;
  readonly totalHint?: number;
  readonly barsInLake: number;
}

/**
 * The whole pipeline on one machine: emulators (Kinesis, DynamoDB, S3) → producer → local event
 * source mapping with Lambda's semantics → the aggregator handler → DynamoDB state and outputs →
 * materialized Parquet lake → exported to `out/lake`, with `out/summary.json`. Everything started
 * here is stopped here, on success, failure or Ctrl-C.
 */
export async function runLocalPipeline(options: LocalRunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const durations: Record<string, number> = {};
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const dlqPath = join(out, 'dlq.jsonl');
  await writeFile(dlqPath, '');
  const seed = options.seed ?? 1;
  const chaos = options.chaos ?? 0;
  const engine = aggregatorConfig({
    intervals: parseIntervals(options.intervals ?? aggregatorConfig().intervals.map((i) => i.label)),
    allowedLatenessMs: options.allowedLatenessMs,
    dedupHorizonMs: options.dedupHorizonMs,
    eventTimeRange: options.eventTimeRange,
  });
  const live = options.live ?? (options.source.kind === 'simulate' && options.rate !== undefined);
  const consumer = {
    batchSize: options.batchSize ?? DEFAULT_CONFIG.consumer.batchSize,
    maximumBatchingWindowMs:
      options.maximumBatchingWindowMs ?? DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds * 1000,
  };
  // Injected faults are transient: unless told otherwise, retry until they pass.
  const retries = options.maxRetryAttempts ?? (chaos > 0 ? -1 : 10);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  const shards = options.shards ?? 2;
  const aws = await startLocalAws({ shards });
  // The run's own meter: every client, runner and sink below counts its billable units into it.
  const meter = new UsageMeter();
  const clientConfig = { ...aws.clientConfig, meter };
  const deployConfig = resolveConfig({ intervals: engine.intervals.map((i) => i.label) });
  const sizing = lambdaSizing(deployConfig);
  const invoked = (durationMs: number, memoryMb: number) => {
    meter.add('lambda.requests');
    meter.add('lambda.gbSeconds', gbSeconds(durationMs, memoryMb));
  };
  /** Times a scheduled function's work (materializer, compactor) as one invocation. */
  const asInvocation = async <T>(memoryMb: number, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      invoked(performance.now() - started, memoryMb);
    }
  };
  const failures: { consumer: string; record: OnFailureRecord }[] = [];
  const toDestination = async (consumer: string, record: OnFailureRecord) => {
    const line = `${JSON.stringify(consumer === 'aggregator' ? record : { consumer, ...record })}\n`;
    meter.add('sqs.requests', sqsRequests(Buffer.byteLength(line)));
    failures.push({ consumer, record });
    await appendFile(dlqPath, line);
  };
  options.serving?.meterInto(meter);
  let runner: EventSourceMappingRunner | undefined;
  let bronzeRunner: EventSourceMappingRunner | undefined;
  let liveTimer: NodeJS.Timeout | undefined;
  try {
    durations.startup = performance.now() - t0;
    const faults = chaos > 0 ? new FaultInjector(chaos, seed) : undefined;
    const serving = options.serving && faults ? faultySink(options.serving, faults) : options.serving;
    const pipeline = wirePipeline({
      aws: clientConfig,
      stateTable: aws.names.stateTable,
      seenIdsTable: aws.names.seenIdsTable,
      outputTable: aws.names.outputTable,
      lakeBucket: aws.names.lakeBucket,
      engine,
      idleTimeoutMs,
      maxFutureSkewMs: live ? (options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS) : undefined,
      serving,
      faults,
    });

    let totals: BatchReport = emptyReport(0);
    let published = 0;
    let barsInLake = 0;
    const progress = (phase: RunProgress['phase'], totalHint?: number) =>
      options.onProgress?.({
        phase,
        published,
        applied: totals.valid + totals.quarantined,
        totalHint,
        barsInLake,
      });

    const kinesis = createKinesisClient(clientConfig);
    runner = new EventSourceMappingRunner({
      kinesis,
      streamName: aws.names.tickStream,
      ...consumer,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      maximumRetryAttempts: retries,
      retryBackoff: { initialMs: 5, maxMs: 200 },
      chaos: faults ? { seed: seedToState(seed), resplit: true } : undefined,
      handler: async (event) => {
        const { failed, report } = await pipeline.service.processBatch(decodeKinesisRecords(event.Records));
        totals = addReports(totals, report);
        progress('stream');
        return batchResponse(event, failed);
      },
      onFailure: (record) => toDestination('aggregator', record),
      onBatch: (outcome) => invoked(outcome.durationMs, sizing.aggregatorMb),
    });
    await runner.start();

    // The second consumer: raw valid ticks to staging, compacted into the bronze lake at the end.
    const bronze = wireBronze({
      aws: clientConfig,
      lakeBucket: aws.names.lakeBucket,
      faults,
      eventTimeRange: engine.eventTimeRange,
    });
    bronzeRunner = new EventSourceMappingRunner({
      kinesis,
      streamName: aws.names.tickStream,
      functionName: 'tickflow-bronze',
      ...consumer,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: retries,
      retryBackoff: { initialMs: 5, maxMs: 200 },
      chaos: faults ? { seed: seedToState(seed) + 1, resplit: true } : undefined,
      handler: createBronzeHandler({ writer: bronze.writer }),
      onFailure: (record) => toDestination('bronze', record),
      onBatch: (outcome) => invoked(outcome.durationMs, sizing.bronzeMb),
    });
    await bronzeRunner.start();

    let liveRound: Promise<void> | undefined;
    if (live) {
      // Live mode, as the scheduled materializer does in AWS: watermark marks for quiet symbols go on
      // the stream (the aggregator closes their bars when it reads them), and the lake is refreshed.
      const putRecords = putRecordsWith(kinesis);
      // The progress bar's listing is the local run's, not the pipeline's: a client with a meter of its own.
      const progressLake = new S3ObjectStore(
        createS3Client({ ...aws.clientConfig, meter: new UsageMeter() }),
        aws.names.lakeBucket,
      );
      liveTimer = setInterval(() => {
        if (liveRound) return;
        liveRound = retrying(() =>
          asInvocation(sizing.materializerMb, async () => {
            const marks = await pipeline.service.idleWatermarks(idleTimeoutMs);
            if (marks.length > 0) await publishWatermarkMarks(putRecords, aws.names.tickStream, marks);
            await pipeline.materializer.materialize(markerDates());
          }),
        )
          .then(async () => {
            barsInLake = (await progressLake.list('bars/')).length;
          })
          .catch(() => undefined)
          .finally(() => {
            liveRound = undefined;
          });
      }, options.scheduleEveryMs ?? 2_000);
    }

    const tStream = performance.now();
    const { records, totalHint, describe, stats } = await sourceRecords(options.source);
    const publisher = new KinesisPublisher({
      streamName: aws.names.tickStream,
      putRecords: putRecordsWith(kinesis),
      maxTicksPerRecord: options.pack ?? 100,
      rateLimit: options.rate ? { perSecond: options.rate, unit: 'ticks' } : undefined,
      onProgress: (s: Readonly<PublishStats>) => {
        published = s.ticks;
        progress('stream', totalHint);
      },
    });
    const publishStats = await publisher.publish(records);
    await Promise.all([runner.waitUntilIdle(), bronzeRunner.waitUntilIdle()]);
    if (liveTimer) {
      clearInterval(liveTimer);
      // A round still running may put marks on the stream: let the consumers read them too.
      await liveRound;
      await Promise.all([runner.waitUntilIdle(), bronzeRunner.waitUntilIdle()]);
    }
    durations.stream = performance.now() - tStream;
    options.onStreamPhaseEnd?.(meter.snapshot(), durations.stream);

    const tFlush = performance.now();
    progress('flush', totalHint);
    const flushReport = await retrying(() => pipeline.service.flushAll());
    totals = addReports(totals, flushReport);
    durations.flush = performance.now() - tFlush;

    const tMat = performance.now();
    progress('materialize', totalHint);
    await retrying(() =>
      asInvocation(sizing.materializerMb, () => pipeline.materializer.materialize(markerDates())),
    );
    const compaction = await retrying(() => asInvocation(sizing.compactorMb, () => bronze.compactor.run()));
    durations.materialize = performance.now() - tMat;

    const tExport = performance.now();
    progress('export', totalHint);
    const lakeDir = join(out, 'lake');
    // Reading the lake back is the local run's own step, not the pipeline's: it is not metered.
    const usage = meter.snapshot();
    const files = await exportLake(pipeline.lake, lakeDir);
    const lakeCounts = await countLake(lakeDir, files);
    barsInLake = Object.values(lakeCounts.barRows).reduce((a, b) => a + b, 0);
    let servingSummary: RunSummary['serving'];
    if (options.serving) {
      const exported = join(out, 'serving', 'bars.csv');
      await mkdir(join(out, 'serving'), { recursive: true });
      const rows = await options.serving.exportCsv(exported, servingRanges(files));
      servingSummary = { kind: 'cassandra', exported, rows };
    }
    durations.export = performance.now() - tExport;

    const states = await pipeline.state.scan();
    const counts = countsFromStates(states);
    const discarded = await discardedTicks(failures, aws.names.tickStream, aws.clientConfig, dlqPath);
    const ticksInBars = counts.valid + lakeCounts.quarantined;
    durations.total = performance.now() - t0;
    const ticksPerSecond = counts.valid / Math.max(durations.stream / 1000, 1e-3);
    const rows = counts.valid + lakeCounts.quarantined;
    usage['kinesis.shardHours'] = shardHours(shards, durations.total);
    const summary: RunSummary = {
      mode: options.source.kind,
      source: describe,
      rows,
      valid: counts.valid,
      quarantined: lakeCounts.quarantined,
      duplicates: counts.duplicates,
      late: counts.late,
      bars: counts.bars,
      symbols: states.length,
      records: {
        produced: publishStats.records,
        toDestination: runner.stats.recordsToDestination + bronzeRunner.stats.recordsToDestination,
      },
      discarded: { ...discarded, ticksNotAggregated: Math.max(0, publishStats.ticks - ticksInBars) },
      bronze: {
        ticks: compaction.rowsOut,
        files: compaction.filesWritten,
        duplicatesDropped: compaction.duplicatesDropped,
      },
      lake: { dir: lakeDir, files: files.length, barRows: lakeCounts.barRows },
      eventSourceMapping: {
        invocations: runner.stats.invocations,
        retries: runner.stats.retries,
        partialFailures: runner.stats.partialFailures,
        bisections: runner.stats.bisections,
      },
      chaos: {
        probability: chaos,
        injectedBefore: faults?.injected.before ?? 0,
        injectedAfter: faults?.injected.after ?? 0,
        stateConflicts: totals.stateConflicts,
      },
      serving: servingSummary,
      durationsMs: Object.fromEntries(Object.entries(durations).map(([k, v]) => [k, Math.round(v)])),
      ticksPerSecond,
      cost: costOfRun(
        usage,
        { ticks: rows, symbols: states.length, ticksPerSecond, architecture: sizing.architecture },
        alwaysOnInventory(deployConfig),
      ),
      ...(stats ? { producer: stats() } : {}),
    };
    await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    if (liveTimer) clearInterval(liveTimer);
    await runner?.stop();
    await bronzeRunner?.stop();
    await aws.stop();
  }
}

/** The (symbol, interval) pairs of the lake's bars and their date range, for reading the serving store back. */
function servingRanges(files: readonly string[]): ServingPartitionRange[] {
  const ranges = new Map<string, { symbol: string; interval: string; from: number; to: number }>();
  for (const key of files) {
    const loc = parsePartitionPath(key);
    if (loc.dataset !== 'bars') continue;
    const { symbol, interval, date } = loc.partition as { symbol: string; interval: string; date: string };
    const day = Date.parse(`${date}T00:00:00Z`);
    const id = `${interval}|${symbol}`;
    const r = ranges.get(id);
    if (!r) ranges.set(id, { symbol, interval, from: day, to: day + 86_400_000 });
    else {
      r.from = Math.min(r.from, day);
      r.to = Math.max(r.to, day + 86_400_000);
    }
  }
  return [...ranges.values()];
}

/** Today's and yesterday's marker dates (a run may straddle a UTC midnight of processing time). */
function markerDates(): string[] {
  const now = Date.now();
  return [utcDate(now - 86_400_000), utcDate(now)];
}

/** Retries an idempotent step until it passes (chaos faults are transient); gives up after 50 tries. */
async function retrying<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * attempt)));
    }
  }
}

function faultySink(sink: ServingSink, faults: FaultInjector): ServingSink {
  return {
    upsertBars: (bars, isFinal) => faults.around('ServingUpsert', () => sink.upsertBars(bars, isFinal)),
  };
}

async function sourceRecords(source: RunSource): Promise<{
  records: AsyncIterable<ProducerRecord> | Iterable<ProducerRecord>;
  totalHint?: number;
  describe: string;
  stats?: () => unknown;
}> {
  if (source.kind === 'simulate') {
    const sim = new MarketSimulator(source.simulation);
    return {
      records: sim.records(),
      totalHint: source.simulation.ticks,
      describe: `${sim.instruments.length} simulated symbols, seed ${String(source.simulation.seed ?? 'default')}`,
      stats: () => ({ ...sim.counts }),
    };
  }
  const lines = (await readFile(source.file, 'utf8')).split('\n').length - 2;
  const parser = new CsvTickParser();
  return {
    records: replayCsv(createReadStream(source.file), parser),
    totalHint: Math.max(lines, 0),
    describe: source.file,
  };
}

/** Rows per dataset in the exported lake (quarantine total and bars per interval). */
async function countLake(
  dir: string,
  files: readonly string[],
): Promise<{ quarantined: number; ticks: number; barRows: Record<string, number> }> {
  const COUNT_COLUMN: Partial<Record<string, string>> = {
    quarantine: 'reason',
    ticks: 'ts',
    bars: 'window_start',
  };
  let quarantined = 0;
  let ticks = 0;
  const barRows: Record<string, number> = {};
  for (const key of files) {
    const loc = parsePartitionPath(key);
    const column = COUNT_COLUMN[loc.dataset];
    if (!column) continue;
    const rows = (await decodeParquet(await readFile(join(dir, key)), [column])).length;
    if (loc.dataset === 'quarantine') quarantined += rows;
    else if (loc.dataset === 'ticks') ticks += rows;
    else barRows[loc.partition.interval!] = (barRows[loc.partition.interval!] ?? 0) + rows;
  }
  return { quarantined, ticks, barRows };
}

/** Totals of what went to the on-failure destination, with the ticks read back from the stream. */
async function discardedTicks(
  failures: readonly { consumer: string; record: OnFailureRecord }[],
  streamName: string,
  clientConfig: Parameters<typeof createKinesisClient>[0],
  file: string,
): Promise<Omit<RunSummary['discarded'], 'ticksNotAggregated'>> {
  const byConsumer: Record<string, { records: number; ticks: number }> = {};
  if (failures.length > 0) {
    // Its own meter: counting the discarded ticks is not part of the pipeline's cost.
    const kinesis = createKinesisClient({ ...clientConfig, meter: new UsageMeter() });
    for (const { consumer, record } of failures) {
      const entry = byConsumer[consumer] ?? { records: 0, ticks: 0 };
      byConsumer[consumer] = entry;
      entry.records += record.KinesisBatchInfo.batchSize;
      entry.ticks += await ticksInDiscardedRange(kinesis, streamName, record);
    }
    kinesis.destroy();
  }
  const all = Object.values(byConsumer);
  return {
    records: all.reduce((a, c) => a + c.records, 0),
    ticks: all.reduce((a, c) => a + c.ticks, 0),
    byConsumer,
    file,
  };
}
