import { BronzeMetricsPublisher, lakeBucketFromEnv, wireBronze } from '../../shared/adapters/bronze/index.js';
import { eventTimeRangeFromEnv } from '../../shared/adapters/event-times-env.js';
import { metricsNamespaceFromEnv } from '../../shared/adapters/metrics.js';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import { createBronzeHandler } from './handler.js';

// Created once per execution environment and reused across invocations.
const bronze = wireBronze({ lakeBucket: lakeBucketFromEnv(), eventTimeRange: eventTimeRangeFromEnv() });
const metrics = new BronzeMetricsPublisher(metricsNamespaceFromEnv(), METRIC_SERVICES.bronze);

/** Kinesis or Kafka event source mapping target (second consumer of the tick stream). */
export const handler = createBronzeHandler({
  writer: bronze.writer,
  onReport: (report) => metrics.publishBatch(report),
});
