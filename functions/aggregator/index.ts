import { BatchMetricsPublisher } from '../../shared/adapters/metrics.js';
import {
  pipelineOptionsFromEnv,
  servingSinkFromEnv,
  wirePipeline,
} from '../../shared/adapters/pipeline-wiring.js';
import { createAggregatorHandler } from './handler.js';

// Created once per execution environment and reused across invocations. The serving store connects
// during init (top-level await), so a wrong endpoint or a missing grant fails the cold start loudly.
const pipeline = wirePipeline({ ...pipelineOptionsFromEnv(), serving: await servingSinkFromEnv() });
const metrics = new BatchMetricsPublisher('aggregator');

/** Kinesis event source mapping target (ReportBatchItemFailures on). */
export const handler = createAggregatorHandler(pipeline.service, (report) => metrics.publish(report));
