import { createKinesisClient } from '../../shared/adapters/aws-clients.js';
import { requireString } from '../../shared/adapters/env.js';
import { putRecordsWith } from '../../shared/adapters/kinesis-publisher.js';
import { publishIdleWatermarks } from '../../shared/adapters/metrics.js';
import { pipelineOptionsFromEnv, wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import { HANDLER_ENV } from '../../shared/config.js';
import { type MaterializerRoundReport, materializerRound } from '../../shared/pipeline/materializer-round.js';

const options = pipelineOptionsFromEnv();
const tickStream = requireString(process.env, HANDLER_ENV.tickStream);
const pipeline = wirePipeline(options);
const putRecords = putRecordsWith(createKinesisClient());

/**
 * Scheduled every minute: the idle flush's watermark marks, then the lake's changed partitions
 * (see `materializerRound`).
 */
export function handler(): Promise<MaterializerRoundReport> {
  return materializerRound({
    service: pipeline.service,
    materializer: pipeline.materializer,
    publishMarks: (marks) => publishWatermarkMarks(putRecords, tickStream, marks),
    idleTimeoutMs: options.idleTimeoutMs,
    onIdleWatermarks: publishIdleWatermarks,
  });
}
