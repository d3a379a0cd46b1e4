import { BatchMetricsPublisher, metricsNamespaceFromEnv } from '../../shared/adapters/metrics.js';
import {
  aggregationOptionsFromEnv,
  servingSinkFromEnv,
  wireAggregation,
} from '../../shared/adapters/pipeline-wiring.js';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import { createAggregatorHandler } from './handler.js';

// Created once per execution environment and reused across invocations. The serving store connects
// during init (top-level await), so a wrong endpoint or a missing grant fails the cold start loudly.
const aggregation = wireAggregation({ ...aggregationOptionsFromEnv(), serving: await servingSinkFromEnv() });
const metrics = new BatchMetricsPublisher(metricsNamespaceFromEnv(), METRIC_SERVICES.aggregator);

/** Kinesis or Kafka event source mapping target (ReportBatchItemFailures on). */
export const handler = createAggregatorHandler(aggregation.service, (report) => metrics.publish(report));
