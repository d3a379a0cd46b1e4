import { BatchMetricsPublisher } from '../../shared/adapters/metrics.js';
import { pipelineOptionsFromEnv, wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { servingConfigFromEnv } from '../../shared/adapters/serving/env.js';
import { sharedServingStore } from '../../shared/adapters/serving/index.js';
import { createAggregatorHandler } from './handler.js';

// Created once per execution environment and reused across invocations. The serving store connects
// during init (top-level await): a bad endpoint or missing permission fails the cold start loudly.
const servingConfig = servingConfigFromEnv();
const serving = servingConfig ? await sharedServingStore(servingConfig) : undefined;
const pipeline = wirePipeline({ ...pipelineOptionsFromEnv(), serving });
const metrics = new BatchMetricsPublisher('aggregator');

/** Kinesis event source mapping target (ReportBatchItemFailures on). */
export const handler = createAggregatorHandler(pipeline.service, (report) => metrics.publish(report));
