import type { Context } from 'aws-lambda';
import {
  createDocumentClient,
  createKinesisClient,
  createSnsClient,
} from '../../shared/adapters/aws-clients.js';
import { DynamoRunLease } from '../../shared/adapters/dynamo/run-lease.js';
import { requireString } from '../../shared/adapters/env.js';
import { publishWatermarkMarksToKafka } from '../../shared/adapters/kafka/publisher.js';
import { watermarkConnection } from '../../shared/adapters/kafka/watermark-connection.js';
import { putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { marketWatchFromEnv } from '../../shared/adapters/market-watch-env.js';
import { metricsNamespaceFromEnv, publishIdleWatermarks } from '../../shared/adapters/metrics.js';
import { pipelineOptionsFromEnv, wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import { type WatermarkTarget, watermarkTargetFromEnv } from '../../shared/adapters/watermark-target-env.js';
import type { WatermarkMark } from '../../shared/domain/watermark-mark.js';
import { type MaterializerRoundReport, materializerRound } from '../../shared/pipeline/materializer-round.js';
import { runExclusively } from '../../shared/pipeline/run-lease.js';

const options = pipelineOptionsFromEnv();
const pipeline = wirePipeline(options);
const publishMarks = await watermarkPublisher(watermarkTargetFromEnv());
const doc = createDocumentClient();
const lease = new DynamoRunLease(doc, options.outputTable);
const metricsNamespace = metricsNamespaceFromEnv();
const market = marketWatchFromEnv({
  outputs: pipeline.outputs,
  doc,
  sns: createSnsClient(),
  outputTable: options.outputTable,
  retentionMs: pipeline.outputs.retentionMs,
});

/**
 * Scheduled every `materializerMinutes` (infra/config.ts): the idle flush's watermark marks, then the
 * lake's changed partitions, then the market watch over them and over every quiet feed, each alert
 * published to the alarm topic once (see `materializerRound`). One run at a time: a lease held until
 * this invocation's timeout (two runs rewriting one partition could leave the older read's file in the
 * lake); a run that finds it taken returns `{ skipped: true }` and the next run catches up. Lambda
 * does not retry a run (the stack sets 0 asynchronous retries).
 */
export async function handler(
  _event: unknown,
  context: Context,
): Promise<MaterializerRoundReport | { skipped: true }> {
  const until = Date.now() + context.getRemainingTimeInMillis();
  const run = await runExclusively(lease, 'materializer', context.awsRequestId, until, () =>
    materializerRound({
      service: pipeline.service,
      materializer: pipeline.materializer,
      publishMarks,
      idleTimeoutMs: options.idleTimeoutMs,
      onIdleWatermarks: (marks) => publishIdleWatermarks(marks, metricsNamespace),
      // The day before too: a bar just past midnight judges its move against the evening's returns.
      ...(market && {
        watchMarket: (keys, lastTicks) => market.watch(keys, lastTicks, { dayBefore: true }),
      }),
    }),
  );
  return run.ran ? run.result : { skipped: true };
}

/**
 * Puts the idle flush's marks where the ticks are, each in its symbol's shard or partition: the
 * Kinesis stream, or the Kafka topic (its connection, secrets read, is made during init, so a
 * missing grant fails the cold start loudly).
 */
async function watermarkPublisher(
  target: WatermarkTarget,
): Promise<(marks: readonly WatermarkMark[]) => Promise<unknown>> {
  if (target.kind === 'kinesis') {
    const putRecords = putRecordsWith(createKinesisClient());
    return (marks) => publishWatermarkMarks(putRecords, target.stream, marks);
  }
  const connection = await watermarkConnection(target, requireString(process.env, 'AWS_REGION'));
  return (marks) => publishWatermarkMarksToKafka(connection, target.topic, marks);
}
