import { type PriceKey, type PriceTable, priceOf } from './prices.js';

/**
 * The resources a deployment pays for while no tick flows. The CDK config derives it
 * (`infra/cost-inventory.ts`) and a template test keeps the two in step.
 */
export interface AlwaysOnInventory {
  /** Provisioned shards, or 0 with `onDemandStreams` 1. */
  readonly provisionedShards: number;
  readonly onDemandStreams: number;
  readonly kmsKeys: number;
  /** Alarm metrics: each metric an alarm reads (a metric-math alarm over two metrics counts two). */
  readonly alarms: number;
  readonly dashboards: number;
  /**
   * Distinct custom metrics (name × dimension values) published while no tick flows. CloudWatch
   * bills a custom metric for each hour it receives data, prorated, so only these are idle cost.
   */
  readonly customMetrics: number;
  /** Distinct custom metrics published while ticks flow (each billed for every hour it receives data). */
  readonly activeCustomMetrics: number;
  /** Scheduled invocations per month (functions that run on a timer whether ticks flow or not). */
  readonly scheduledInvocationsPerMonth: number;
  /**
   * Kafka clusters the deployment reads instead of a Kinesis stream (Amazon MSK or self-managed):
   * the user's cluster, billed by its own price list, which `shared/cost/prices.ts` does not hold.
   * @default 0
   */
  readonly kafkaClusters?: number;
  /**
   * Lambda's provisioned event pollers the Kafka event source mappings keep running (their minimum),
   * billed per event poller unit hour, which `shared/cost/prices.ts` does not hold.
   * @default 0
   */
  readonly kafkaEventPollers?: number;
  /**
   * MSK Serverless clusters the stack itself creates (`source.trial`), billed per cluster-hour.
   * @default 0
   */
  readonly mskServerlessClusters?: number;
  /** Partitions on those clusters, billed per partition-hour. @default 0 */
  readonly mskServerlessPartitions?: number;
  /** Interface VPC endpoints counted once per AZ they are in, billed per endpoint-AZ-hour. @default 0 */
  readonly vpcInterfaceEndpointAzs?: number;
}

/**
 * The inventory of the same deployment reading a Kafka topic: no Kinesis stream or shard, and one
 * Kafka cluster, listed unpriced (MSK bills per broker- or cluster-hour, partitions and storage).
 */
export function onKafka(inv: AlwaysOnInventory): AlwaysOnInventory {
  return { ...inv, provisionedShards: 0, onDemandStreams: 0, kafkaClusters: 1 };
}

export interface IdleLine {
  readonly item: string;
  readonly count: number;
  /** Dollars per month, null when unpriced. */
  readonly usd: number | null;
}

/** Hours in a month as AWS prices monthly figures (730). */
export const HOURS_PER_MONTH = 730;

/** What the custom metrics published while ticks flow cost in a month of continuous flow. */
export function activeMetricsPerMonth(inv: AlwaysOnInventory, table: PriceTable): number {
  return inv.activeCustomMetrics === 0
    ? 0
    : (priceOf(table, 'cloudwatch.customMetricMonth', inv.activeCustomMetrics) ?? 0);
}

/** The idle cost per month of an inventory, one line per resource kind. */
export function idleCost(inv: AlwaysOnInventory, table: PriceTable): { lines: IdleLine[]; usd: number } {
  const line = (item: string, count: number, key: PriceKey, units = count): IdleLine => ({
    item,
    count,
    usd: count === 0 ? 0 : priceOf(table, key, units),
  });
  const lines = [
    line(
      'Kinesis provisioned shards',
      inv.provisionedShards,
      'kinesis.shardHour',
      inv.provisionedShards * HOURS_PER_MONTH,
    ),
    line(
      'Kinesis on-demand streams',
      inv.onDemandStreams,
      'kinesis.onDemandStreamHour',
      inv.onDemandStreams * HOURS_PER_MONTH,
    ),
    line('KMS customer managed keys', inv.kmsKeys, 'kms.keyMonth'),
    line('CloudWatch alarm metrics', inv.alarms, 'cloudwatch.alarmMonth'),
    line('CloudWatch dashboards', inv.dashboards, 'cloudwatch.dashboardMonth'),
    line('CloudWatch custom metrics', inv.customMetrics, 'cloudwatch.customMetricMonth'),
    line('Lambda scheduled invocations', inv.scheduledInvocationsPerMonth, 'lambda.request'),
    line(
      'MSK Serverless trial clusters',
      inv.mskServerlessClusters ?? 0,
      'msk.serverlessClusterHour',
      (inv.mskServerlessClusters ?? 0) * HOURS_PER_MONTH,
    ),
    line(
      'MSK Serverless partitions',
      inv.mskServerlessPartitions ?? 0,
      'msk.serverlessPartitionHour',
      (inv.mskServerlessPartitions ?? 0) * HOURS_PER_MONTH,
    ),
    line(
      'VPC interface endpoints (one per AZ)',
      inv.vpcInterfaceEndpointAzs ?? 0,
      'vpc.interfaceEndpointAzHour',
      (inv.vpcInterfaceEndpointAzs ?? 0) * HOURS_PER_MONTH,
    ),
    {
      item: 'Kafka cluster (MSK or your own; its own bill, not priced here)',
      count: inv.kafkaClusters ?? 0,
      usd: inv.kafkaClusters ? null : 0,
    },
    {
      item: 'Lambda provisioned event pollers of the Kafka mappings (per event poller unit hour, not priced here)',
      count: inv.kafkaEventPollers ?? 0,
      usd: inv.kafkaEventPollers ? null : 0,
    },
  ];
  return { lines, usd: lines.reduce((a, l) => a + (l.usd ?? 0), 0) };
}
