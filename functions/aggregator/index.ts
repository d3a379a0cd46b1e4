import { BatchMetricsPublisher } from '../../shared/adapters/metrics.js';
import { pipelineOptionsFromEnv, wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import { createAggregatorHandler } from './handler.js';

// Created once per execution environment and reused across invocations.
const pipeline = wirePipeline(pipelineOptionsFromEnv());
const metrics = new BatchMetricsPublisher('aggregator');

/** Kinesis event source mapping target (ReportBatchItemFailures on). */
export const handler = createAggregatorHandler(pipeline.service, (report) => metrics.publish(report));
