import type { Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import {
  BronzeMetricsPublisher,
  compactionOptionsFromEnv,
  lakeBucketFromEnv,
  wireBronze,
} from '../../shared/adapters/bronze/index.js';
import { DynamoRunLease } from '../../shared/adapters/dynamo/run-lease.js';
import { requireString } from '../../shared/adapters/env.js';
import { metricsNamespaceFromEnv } from '../../shared/adapters/metrics.js';
import { HANDLER_ENV } from '../../shared/config.js';
import { METRIC_SERVICES } from '../../shared/metrics.js';
import type { CompactionReport } from '../../shared/pipeline/bronze/tick-compactor.js';
import { runExclusively } from '../../shared/pipeline/run-lease.js';

// Created once per execution environment and reused across invocations.
const bronze = wireBronze({ lakeBucket: lakeBucketFromEnv(), compaction: compactionOptionsFromEnv() });
const metrics = new BronzeMetricsPublisher(metricsNamespaceFromEnv(), METRIC_SERVICES.compactor);
const lease = new DynamoRunLease(createDocumentClient(), requireString(process.env, HANDLER_ENV.outputTable));

/**
 * Scheduled every `compactorMinutes` (infra/config.ts): folds the staged bronze objects into the
 * hourly tick files. One run at a time (a lease held until this invocation's timeout): a second
 * delivery of the same schedule returns `{ skipped: true }`. A failure throws; the next scheduled run repairs whatever the failed
 * one left (see TickCompactor). Lambda does not retry it (the stack sets 0 asynchronous retries).
 */
export async function handler(
  _event: unknown,
  context: Context,
): Promise<CompactionReport | { skipped: true }> {
  const until = Date.now() + context.getRemainingTimeInMillis();
  const run = await runExclusively(lease, 'compactor', context.awsRequestId, until, () =>
    bronze.compactor.run(),
  );
  if (!run.ran) return { skipped: true };
  metrics.publishCompaction(run.result);
  return run.result;
}
