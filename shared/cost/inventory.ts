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
  readonly alarms: number;
  readonly dashboards: number;
  /** Distinct custom metrics (name × dimension values) the handlers publish. */
  readonly customMetrics: number;
  /** Scheduled invocations per month (functions that run on a timer whether ticks flow or not). */
  readonly scheduledInvocationsPerMonth: number;
}

export interface IdleLine {
  readonly item: string;
  readonly count: number;
  /** Dollars per month, null when unpriced. */
  readonly usd: number | null;
}

/** Hours in a month as AWS prices monthly figures (730). */
export const HOURS_PER_MONTH = 730;

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
    line('CloudWatch alarms', inv.alarms, 'cloudwatch.alarmMonth'),
    line('CloudWatch dashboards', inv.dashboards, 'cloudwatch.dashboardMonth'),
    line('CloudWatch custom metrics', inv.customMetrics, 'cloudwatch.customMetricMonth'),
    line('Lambda scheduled invocations', inv.scheduledInvocationsPerMonth, 'lambda.request'),
  ];
  return { lines, usd: lines.reduce((a, l) => a + (l.usd ?? 0), 0) };
}
