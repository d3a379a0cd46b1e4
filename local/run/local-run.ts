import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createS3Client } from '../../shared/adapters/aws-clients.js';
import { wireBronze } from '../../shared/adapters/bronze/index.js';
import { FaultInjector } from '../../shared/adapters/chaos.js';
import { UsageMeter } from '../../shared/adapters/cost/usage-meter.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import { addReports } from '../../shared/adapters/metrics.js';
import { wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { type BatchReport, emptyReport } from '../../shared/pipeline/aggregation-service.js';
import type { ServingSink } from '../../shared/pipeline/ports.js';
import { seedToState } from '../../shared/random.js';
import { pipelineResources, startLocalAws } from '../aws-stack.js';
import { type LocalKafka, startLocalKafka } from '../kafka/index.js';
import { watchMarket } from './alerts.js';
import { CompactionRuns } from './compaction.js';
import { type Consumers, startConsumers } from './consumers.js';
import { copyFailedBatches, FailureDestination } from './discarded.js';
import { flushAll, materializeAndCompact } from './drain.js';
import { exportRun } from './export-lake.js';
import { kafkaStream } from './kafka-stream.js';
import { type LiveSchedule, startLiveRounds } from './live.js';
import { RunMeter } from './metering.js';
import { type LocalRunOptions, type RunProgress, type RunSample, resolveRunSettings } from './options.js';
import { sourceRecords } from './source.js';
import { kinesisStream, type LocalStream } from './stream.js';
import { buildSummary, type RunSummary } from './summary.js';

export type { LocalRunOptions, RunProgress, RunSample, RunSource } from './options.js';
export { LOCAL_RUN_DEFAULTS } from './options.js';

/**
 * The whole pipeline on one machine: emulators (Kinesis, DynamoDB, S3) → producer → local event
 * source mapping with Lambda's semantics → the deployed functions' handlers → DynamoDB state and
 * outputs → materialized Parquet lake → exported to `out/lake`, market alerts from the closed bars to
 * `out/alerts.jsonl`, with `out/summary.json`. Handlers,
 * wiring, the materializer's round and the event source mapping settings are the deployed ones
 * (`functions/`, `shared/adapters/pipeline-wiring.ts`, `infra/config.ts`); what is the local run's own
 * is in this folder, one concern a module. Everything started here is stopped here, on success,
 * failure or Ctrl-C.
 */
export async function runLocalPipeline(options: LocalRunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const durations: Record<string, number> = {};
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const run = resolveRunSettings(options);
  // The run's own meter: every client, runner and sink below counts its billable units into it.
  const meter = new RunMeter();
  const aws = await startLocalAws({ shards: run.shards });
  const clientConfig = { ...aws.clientConfig, meter: meter.usage };
  const failedBatches = createS3Client(clientConfig);
  const destination = new FailureDestination(new S3ObjectStore(failedBatches, aws.names.failedBatchesBucket));
  options.serving?.meterInto(meter.usage);
  let kafka: LocalKafka | undefined;
  let stream: LocalStream | undefined;
  let consumers: Consumers | undefined;
  let live: LiveSchedule | undefined;
  let compacting: LiveSchedule | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    if (options.stream === 'kafka') {
      kafka = await startLocalKafka();
      stream = await kafkaStream(kafka.bootstrap, aws.names.tickStream, run.shards);
    } else {
      stream = kinesisStream(clientConfig, aws.names.tickStream);
    }
    durations.startup = performance.now() - t0;
    const faults = run.chaos > 0 ? new FaultInjector(run.chaos, run.seed) : undefined;
    const serving = options.serving && faults ? faultySink(options.serving, faults) : options.serving;
    const pipeline = wirePipeline({
      aws: clientConfig,
      ...pipelineResources(aws.names),
      engine: run.engine,
      idleTimeoutMs: run.idleTimeoutMs,
      maxFutureSkewMs: run.maxFutureSkewMs,
      serving,
      faults,
    });
    const bronze = wireBronze({
      aws: clientConfig,
      lakeBucket: aws.names.lakeBucket,
      faults,
      eventTimeRange: run.engine.eventTimeRange,
    });

    const compaction = new CompactionRuns(bronze.compactor, meter, run.sizing);
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

    consumers = await startConsumers({
      stream,
      mapping: run.mapping,
      aggregation: pipeline.service,
      bronze: bronze.writer,
      onReport: (report) => {
        totals = addReports(totals, report);
        progress('stream');
      },
      destination,
      meter,
      sizing: run.sizing,
      chaosSeed: faults ? seedToState(run.seed) : undefined,
    });

    if (run.live) {
      // The progress bar's listing is the local run's, not the pipeline's: a client with a meter of its own.
      const progressLake = new S3ObjectStore(
        createS3Client({ ...aws.clientConfig, meter: new UsageMeter() }),
        aws.names.lakeBucket,
      );
      live = startLiveRounds({
        everyMs: run.scheduleEveryMs,
        pipeline,
        stream,
        idleTimeoutMs: run.idleTimeoutMs,
        meter,
        sizing: run.sizing,
        barFiles: async () => (await progressLake.list('bars/')).length,
        onBarFiles: (files) => {
          barsInLake = files;
        },
      });
    }

    if (run.compactEveryMs !== undefined) compacting = compaction.schedule(run.compactEveryMs);

    const tStream = performance.now();
    const aggregatorStats = consumers.aggregator.stats;
    const sample = (): RunSample => ({
      atMs: performance.now() - tStream,
      usage: meter.usage.snapshot(),
      published,
      applied: totals.valid + totals.quarantined,
      bars: { ...totals.bars },
      invocations: aggregatorStats.invocations,
      recordsDelivered: aggregatorStats.recordsDelivered,
      compactions: compaction.finished,
    });
    const sampling = options.usageSamples;
    sampler = sampling && setInterval(() => sampling.onSample(sample()), sampling.everyMs);
    const source = await sourceRecords(options.source);
    const publishStats = await stream.publish(source.records, {
      maxTicksPerRecord: run.pack,
      ticksPerSecond: options.rate,
      onProgress: (s) => {
        published = s.ticks;
        progress('stream', source.totalHint);
      },
    });
    await consumers.waitUntilIdle();
    if (live) {
      // A round still running may put marks on the stream: let the consumers read them too.
      await live.stop();
      live = undefined;
      await consumers.waitUntilIdle();
    }
    // A scheduled compaction still running finishes before the last one starts: runs never overlap.
    await compacting?.stop();
    compacting = undefined;
    durations.stream = performance.now() - tStream;
    clearInterval(sampler);
    sampling?.onSample(sample());
    options.onStreamPhaseEnd?.(meter.usage.snapshot(), durations.stream);

    const tFlush = performance.now();
    progress('flush', source.totalHint);
    totals = addReports(totals, await flushAll(pipeline.service));
    durations.flush = performance.now() - tFlush;

    progress('materialize', source.totalHint);
    const { materializeMs, compactMs } = await materializeAndCompact({
      materializer: pipeline.materializer,
      compaction,
      meter,
      sizing: run.sizing,
    });
    durations.materialize = materializeMs;
    durations.compact = compactMs;

    const tExport = performance.now();
    progress('export', source.totalHint);
    // Reading the lake back is the local run's own step, not the pipeline's: it is not metered.
    const usage = meter.usage.snapshot();
    const exported = await exportRun(pipeline.lake, out, options.serving);
    durations.export = performance.now() - tExport;

    const states = await pipeline.state.scan();
    const tAlerts = performance.now();
    const alerts = await watchMarket({
      outputs: pipeline.outputs,
      lakeFiles: exported.files,
      lastTicks: (await pipeline.service.scanHeads()).lastTicks,
      config: run.alerts,
      file: join(out, 'alerts.jsonl'),
    });
    durations.alerts = performance.now() - tAlerts;
    // Copying the failed batches out is the local run's own step, like the lake's export: not metered.
    const discardedDir = join(out, 'failed-batches');
    await rm(discardedDir, { recursive: true, force: true });
    const unmetered = createS3Client({ ...aws.clientConfig, meter: new UsageMeter() });
    try {
      await copyFailedBatches(
        new S3ObjectStore(unmetered, aws.names.failedBatchesBucket),
        new FileObjectStore(discardedDir),
      );
    } finally {
      unmetered.destroy();
    }
    const discarded = { ...destination.totals(), dir: discardedDir };
    durations.total = performance.now() - t0;
    const summary = buildSummary({
      mode: options.source.kind,
      source: source.describe,
      states,
      exported,
      published: publishStats,
      recordsToDestination: consumers.recordsToDestination(),
      eventSourceMapping: consumers.aggregator.stats,
      discarded,
      compaction: compaction.totals(),
      alerts,
      chaos: {
        probability: run.chaos,
        injectedBefore: faults?.injected.before ?? 0,
        injectedAfter: faults?.injected.after ?? 0,
        stateConflicts: totals.stateConflicts,
      },
      durations,
      usage,
      // Kafka bills no shard-hours (an MSK cluster's own price is the user's: docs/kafka.md).
      shards: stream.kind === 'kinesis' ? run.shards : 0,
      stream: stream.kind,
      sizing: run.sizing,
      deployConfig: run.deployConfig,
      producer: source.stats?.(),
    });
    await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    clearInterval(sampler);
    await live?.stop();
    await compacting?.stop();
    await consumers?.stop();
    stream?.close();
    failedBatches.destroy();
    await kafka?.stop();
    await aws.stop();
  }
}

/** The serving sink with the run's injected faults around every upsert. */
function faultySink(sink: ServingSink, faults: FaultInjector): ServingSink {
  return {
    upsertBars: (bars, isFinal) => faults.around('ServingUpsert', () => sink.upsertBars(bars, isFinal)),
  };
}
