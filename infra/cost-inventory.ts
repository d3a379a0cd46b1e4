/**
 * What the stack keeps running (and billing) while no tick flows, derived from the config, and the
 * Lambda sizing the cost meter prices invocations at. `test/infra/cost-inventory.test.ts` compares
 * both with the synthesized template, so this file and the constructs cannot drift apart.
 */

import { type AlwaysOnInventory, type Architecture, onKafka } from '../shared/cost/index.js';
import type { TickflowConfig } from './config.js';
import { TRIAL_AZS } from './kafka-source.js';

/** The stack's shape as the constructs build it (see infra/stacks/tickflow-stack.ts). */
const STREAM_CONSUMERS = 2; // aggregator, bronze writer
/** Minutes between runs of each scheduled function. */
export function scheduledFunctions(config: TickflowConfig): { materializer: number; compactor: number } {
  return { materializer: config.materializerMinutes, compactor: config.compactorMinutes };
}
const STATE_MACHINES = 2; // preprocess, backfill
/** One customer-managed key for the data (stream, tables, queues) and the alarm topic. */
const KMS_KEYS = 1;
/**
 * Alarms, counted in the metrics they read: CloudWatch prices a standard alarm per alarm metric, and an
 * alarm on a metric-math expression reads each metric of the expression (the upper reading of the rule).
 * Per consumer: its lag (iterator age on Kinesis, offset lag on Kafka), errors, throttles; per scheduled
 * function: errors, throttles; per state machine: failed + timed-out executions (2 metrics).
 */
const ALARM_METRICS_PER_CONSUMER = 3;
const ALARM_METRICS_PER_SCHEDULED_FUNCTION = 2;
const ALARM_METRICS_PER_STATE_MACHINE = 2;
/**
 * Batches in the on-failure bucket (1, for both consumers); compactor backlog and unreadable staged
 * objects (1 each); late ratio and duplicate ratio (2 each: numerator and valid ticks); unusable states,
 * failed symbols, watermark lag (1 each).
 */
const METRIC_ALARM_METRICS = 1 + 2 + 2 + 2 + 3;
/**
 * With the serving store: system errors, user errors, write and read throttles of the bars table, each a
 * Metrics Insights query summing the table's operations. Counted as one alarm metric each, the floor:
 * such an alarm bills per time series it analyzes, one per CQL operation the table sees.
 */
const SERVING_ALARM_METRICS = 4;

/**
 * Custom metrics the handlers publish (shared/adapters/metrics.ts, shared/adapters/bronze/metrics.ts):
 * per service dimension, plus the aggregator's two per-interval metrics.
 */
const CUSTOM_METRICS = { aggregator: 12, aggregatorPerInterval: 2, materializer: 1, bronze: 5, compactor: 7 };

const MINUTES_PER_MONTH = 730 * 60;

/**
 * The always-on inventory of a deployment with `config`. A Kafka source has no Kinesis stream; it has
 * the user's cluster and the event pollers the two mappings keep running, both listed unpriced. Its
 * alarms read as many metrics as on Kinesis (offset lag for iterator age, the aggregator's valid ticks
 * for the stream's incoming records in the heartbeat). The trial cluster (`source.trial`) is the
 * stack's own and priced: the cluster, its topic's partitions, and the SNS interface endpoint the idle
 * flush publishes market alerts through, in each of the VPC's AZs (infra/constructs/msk-trial.ts).
 */
export function alwaysOnInventory(config: TickflowConfig): AlwaysOnInventory {
  const inventory = kinesisInventory(config);
  if (config.source.kind === 'kinesis') return inventory;
  const kafka = {
    ...onKafka(inventory),
    kafkaEventPollers: STREAM_CONSUMERS * config.source.pollers.minimum,
  };
  const trial = config.source.trial;
  if (!trial) return kafka;
  return {
    ...kafka,
    kafkaClusters: 0,
    mskServerlessClusters: 1,
    mskServerlessPartitions: trial.partitions,
    vpcInterfaceEndpointAzs: config.marketAlerts === 'off' ? 0 : TRIAL_AZS,
  };
}

function kinesisInventory(config: TickflowConfig): AlwaysOnInventory {
  const onDemand = config.stream.shards === 'ON_DEMAND';
  const scheduled = Object.values(scheduledFunctions(config));
  return {
    provisionedShards: onDemand ? 0 : (config.stream.shards as number),
    onDemandStreams: onDemand ? 1 : 0,
    kmsKeys: KMS_KEYS,
    alarms:
      STREAM_CONSUMERS * ALARM_METRICS_PER_CONSUMER +
      scheduled.length * ALARM_METRICS_PER_SCHEDULED_FUNCTION +
      STATE_MACHINES * ALARM_METRICS_PER_STATE_MACHINE +
      METRIC_ALARM_METRICS +
      (config.serving.enabled ? SERVING_ALARM_METRICS : 0) +
      (config.alarms.noTicksMinutes > 0 ? 1 : 0),
    dashboards: config.dashboard ? 1 : 0,
    // The scheduled functions publish only when they did something (a flush, a compaction).
    customMetrics: 0,
    activeCustomMetrics:
      CUSTOM_METRICS.aggregator +
      CUSTOM_METRICS.aggregatorPerInterval * config.intervals.length +
      CUSTOM_METRICS.materializer +
      CUSTOM_METRICS.bronze +
      CUSTOM_METRICS.compactor,
    scheduledInvocationsPerMonth: scheduled.reduce((a, every) => a + MINUTES_PER_MONTH / every, 0),
  };
}

/** Memory (MB) and architecture each function runs at; the meter prices GB-seconds with them. */
export interface LambdaSizing {
  readonly architecture: Architecture;
  readonly aggregatorMb: number;
  readonly bronzeMb: number;
  readonly materializerMb: number;
  readonly compactorMb: number;
}

export function lambdaSizing(config: TickflowConfig): LambdaSizing {
  return {
    architecture: 'arm64',
    aggregatorMb: config.consumer.memoryMb,
    bronzeMb: config.consumer.memoryMb,
    materializerMb: 1024,
    compactorMb: 2048,
  };
}
