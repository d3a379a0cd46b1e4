import type { Context } from 'aws-lambda';
import { createDocumentClient, createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { DynamoRunLease } from '../../shared/adapters/dynamo/run-lease.js';
import { requireString } from '../../shared/adapters/env.js';
import { putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { publishIdleWatermarks } from '../../shared/adapters/metrics.js';
import { pipelineOptionsFromEnv, wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import { HANDLER_ENV } from '../../shared/config.js';
import { utcDate } from '../../shared/lake/index.js';
import { runExclusively } from '../../shared/pipeline/run-lease.js';

const options = pipelineOptionsFromEnv();
const tickStream = requireString(process.env, HANDLER_ENV.tickStream);
const pipeline = wirePipeline(options);
const putRecords = putRecordsWith(createKinesisClient());
const lease = new DynamoRunLease(createDocumentClient(), options.outputTable);

interface MaterializerReport {
  idleWatermarks: number;
  partitions: number;
  rows: number;
}

/**
 * Scheduled every minute, one run at a time (a lease held until this invocation's timeout: two runs
 * rewriting one partition could leave the older read's file in the lake); a run that finds the lease
 * taken returns `{ skipped: true }`, and the next minute's run catches up. Lambda does not retry it
 * (the stack sets 0 asynchronous retries). The idle flush: symbols quiet for the idle timeout get a
 * watermark mark on the tick stream (processing time made part of the stream, so the aggregator closes
 * their bars exactly once whatever instance runs). Then the lake: the partitions that changed since
 * the previous run are rewritten.
 */
export async function handler(
  _event: unknown,
  context: Context,
): Promise<MaterializerReport | { skipped: true }> {
  const until = Date.now() + context.getRemainingTimeInMillis();
  const run = await runExclusively(lease, 'materializer', context.awsRequestId, until, materialize);
  return run.ran ? run.result : { skipped: true };
}

async function materialize(): Promise<MaterializerReport> {
  const marks = await pipeline.service.idleWatermarks(options.idleTimeoutMs);
  if (marks.length > 0) await publishWatermarkMarks(putRecords, tickStream, marks);
  publishIdleWatermarks(marks.length);
  const now = Date.now();
  const lake = await pipeline.materializer.materialize([utcDate(now - 86_400_000), utcDate(now)]);
  return { idleWatermarks: marks.length, partitions: lake.partitions, rows: lake.rows };
}
