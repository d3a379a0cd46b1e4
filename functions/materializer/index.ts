import { createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { requireString } from '../../shared/adapters/env.js';
import { putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { publishIdleWatermarks } from '../../shared/adapters/metrics.js';
import { pipelineOptionsFromEnv, wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import { HANDLER_ENV } from '../../shared/config.js';
import { utcDate } from '../../shared/lake/index.js';

const options = pipelineOptionsFromEnv();
const tickStream = requireString(process.env, HANDLER_ENV.tickStream);
const pipeline = wirePipeline(options);
const putRecords = putRecordsWith(createKinesisClient());

/**
 * Scheduled every minute. The idle flush: symbols quiet for the idle timeout get a watermark mark
 * on the tick stream (processing time made part of the stream, so the aggregator closes their bars
 * exactly once whatever instance runs). Then the lake: the partitions that changed since the
 * previous run are rewritten.
 */
export async function handler(): Promise<{ idleWatermarks: number; partitions: number; rows: number }> {
  const marks = await pipeline.service.idleWatermarks(options.idleTimeoutMs);
  if (marks.length > 0) await publishWatermarkMarks(putRecords, tickStream, marks);
  publishIdleWatermarks(marks.length);
  const now = Date.now();
  const lake = await pipeline.materializer.materialize([utcDate(now - 86_400_000), utcDate(now)]);
  return { idleWatermarks: marks.length, partitions: lake.partitions, rows: lake.rows };
}
