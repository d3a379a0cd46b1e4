import { type AlwaysOnInventory, activeMetricsPerMonth, idleCost } from './inventory.js';
import { PRICE_TABLE, type PriceTable } from './prices.js';
import { type CostSection, perMonth, type Service } from './report.js';

/** A run's cost carried to another tick rate and number of symbols. */
export interface CostProjection {
  readonly ticksPerSecond: number;
  readonly symbols: number;
  readonly perMillionTicks: number;
  readonly perMonth: number;
  /** Provisioned shards the rate needs (1,000 records/s and 1 MiB/s per shard), at least the configured ones. */
  readonly shards: number;
  readonly idlePerMonth: number;
  /** The handlers' custom metrics, billed for every hour ticks flow. */
  readonly metricsPerMonth: number;
  readonly totalPerMonth: number;
  readonly unpriced: CostSection['unpriced'];
}

/**
 * Services whose writes happen once per symbol per batch (state commits, output batches, serving
 * upserts): with more symbols at the same tick rate their cost per tick grows with the symbols, as
 * long as each symbol still appears in each batch, which is the assumption made here.
 */
const PER_SYMBOL: readonly Service[] = ['dynamodb', 'keyspaces'];

/**
 * Projects a run to `ticksPerSecond` (and `symbols`, default the run's): the per-tick cost of every
 * service is the run's, per-symbol services scale by symbols / run symbols, and provisioned shards
 * grow to what the rate needs at the run's records and bytes per tick.
 */
export function projectCost(
  run: CostSection,
  ticksPerSecond: number,
  symbols: number = run.facts.symbols,
  table: PriceTable = PRICE_TABLE,
): CostProjection {
  const scale = symbols / Math.max(run.facts.symbols, 1);
  let perMillionTicks = 0;
  for (const [service, line] of Object.entries(run.byService) as [Service, { perMillionTicks: number }][]) {
    perMillionTicks += line.perMillionTicks * (PER_SYMBOL.includes(service) ? scale : 1);
  }
  const ticks = Math.max(run.facts.ticks, 1);
  const recordsPerSecond = (run.usage['kinesis.records'] / ticks) * ticksPerSecond;
  const bytesPerSecond = (run.usage['kinesis.bytesIn'] / ticks) * ticksPerSecond;
  const needed = Math.max(1, Math.ceil(recordsPerSecond / 1000), Math.ceil(bytesPerSecond / 2 ** 20));
  // On-demand Kinesis and Kafka need no shard count.
  const inventory: AlwaysOnInventory =
    run.inventory.onDemandStreams > 0 || (run.inventory.kafkaClusters ?? 0) > 0
      ? run.inventory
      : { ...run.inventory, provisionedShards: Math.max(run.inventory.provisionedShards, needed) };
  const idle = idleCost(inventory, table).usd;
  const variable = perMonth(perMillionTicks, ticksPerSecond);
  return {
    ticksPerSecond,
    symbols,
    perMillionTicks,
    perMonth: variable,
    shards: inventory.provisionedShards,
    idlePerMonth: idle,
    metricsPerMonth: activeMetricsPerMonth(inventory, table),
    totalPerMonth: variable + idle + activeMetricsPerMonth(inventory, table),
    unpriced: run.unpriced,
  };
}
