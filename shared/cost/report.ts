import {
  type AlwaysOnInventory,
  activeMetricsPerMonth,
  HOURS_PER_MONTH,
  type IdleLine,
  idleCost,
} from './inventory.js';
import { PRICE_TABLE, type PriceKey, type PriceTable, priceOf } from './prices.js';
import type { Usage, UsageKey } from './usage.js';

/**
 * The cost of a run, from its metered usage: dollars per million ticks for the request-driven part,
 * dollars per month at the run's tick rate, and the idle dollars per month of the always-on resources.
 * Shard-hours are idle cost (a provisioned shard bills whether ticks flow or not), so they are not
 * in the per-tick figure. List prices without free tiers.
 */

export type Service = 'dynamodb' | 'kinesis' | 's3' | 'lambda' | 'keyspaces' | 'stepFunctions';
export type Architecture = 'arm64' | 'x86_64';

export interface RunFacts {
  readonly ticks: number;
  readonly symbols: number;
  /** Ticks per second the run reached (its stream phase); the monthly figure assumes this rate. */
  readonly ticksPerSecond: number;
  readonly architecture: Architecture;
}

export interface ServiceLine {
  /** Dollars for the run's usage of the service (priced units only). */
  readonly usd: number;
  readonly perMillionTicks: number;
}

export interface CostSection {
  readonly priceTable: { readonly region: string; readonly date: string };
  readonly usage: Usage;
  readonly facts: RunFacts;
  readonly byService: Readonly<Record<Service, ServiceLine>>;
  /** Units the run used that the price table has no price for (they are in no dollar figure). */
  readonly unpriced: readonly UsageKey[];
  readonly perMillionTicks: number;
  readonly perMonthAtRunRate: number;
  /** The handlers' custom metrics over a month of continuous flow (billed only for hours with data). */
  readonly metricsPerMonthWhileActive: number;
  readonly inventory: AlwaysOnInventory;
  readonly idlePerMonth: { readonly usd: number; readonly lines: readonly IdleLine[] };
}

const GIB = 2 ** 30;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

interface Rule {
  readonly usage: UsageKey;
  readonly service: Service;
  readonly price: PriceKey | ((f: RunFacts) => PriceKey);
  /** Divides the usage into the price's unit (bytes → GiB). */
  readonly divisor?: number;
  /** Only for provisioned or only for on-demand streams. */
  readonly mode?: 'provisioned' | 'onDemand';
}

const RULES: readonly Rule[] = [
  { usage: 'dynamodb.readUnits', service: 'dynamodb', price: 'dynamodb.readRequestUnit' },
  { usage: 'dynamodb.writeUnits', service: 'dynamodb', price: 'dynamodb.writeRequestUnit' },
  {
    usage: 'kinesis.putPayloadUnits',
    service: 'kinesis',
    price: 'kinesis.putPayloadUnit',
    mode: 'provisioned',
  },
  {
    usage: 'kinesis.onDemandBytesIn',
    service: 'kinesis',
    price: 'kinesis.onDemandGbIn',
    divisor: GIB,
    mode: 'onDemand',
  },
  {
    usage: 'kinesis.bytesOut',
    service: 'kinesis',
    price: 'kinesis.onDemandGbOut',
    divisor: GIB,
    mode: 'onDemand',
  },
  { usage: 's3.putCopyPostListRequests', service: 's3', price: 's3.putCopyPostListRequest' },
  { usage: 's3.getAndOtherRequests', service: 's3', price: 's3.getAndOtherRequest' },
  // One month of storage for the files the ticks produced.
  { usage: 's3.storedBytes', service: 's3', price: 's3.standardGbMonth', divisor: GIB },
  { usage: 'lambda.requests', service: 'lambda', price: 'lambda.request' },
  {
    usage: 'lambda.gbSeconds',
    service: 'lambda',
    price: (f) => (f.architecture === 'arm64' ? 'lambda.gbSecondArm' : 'lambda.gbSecondX86'),
  },
  { usage: 'keyspaces.readUnits', service: 'keyspaces', price: 'keyspaces.readRequestUnit' },
  { usage: 'keyspaces.writeUnits', service: 'keyspaces', price: 'keyspaces.writeRequestUnit' },
  {
    usage: 'stepFunctions.stateTransitions',
    service: 'stepFunctions',
    price: 'stepFunctions.stateTransition',
  },
];

const SERVICES: readonly Service[] = ['dynamodb', 'kinesis', 's3', 'lambda', 'keyspaces', 'stepFunctions'];

/** Prices a run's usage. */
export function costOfRun(
  usage: Usage,
  facts: RunFacts,
  inventory: AlwaysOnInventory,
  table: PriceTable = PRICE_TABLE,
): CostSection {
  const mode = inventory.onDemandStreams > 0 ? 'onDemand' : 'provisioned';
  const usd = Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<Service, number>;
  const unpriced: UsageKey[] = [];
  for (const rule of RULES) {
    const units = usage[rule.usage] ?? 0;
    if (units === 0 || (rule.mode && rule.mode !== mode)) continue;
    const key = typeof rule.price === 'function' ? rule.price(facts) : rule.price;
    const dollars = priceOf(table, key, units / (rule.divisor ?? 1));
    if (dollars === null) unpriced.push(rule.usage);
    else usd[rule.service] += dollars;
  }
  const millions = Math.max(facts.ticks, 1) / 1e6;
  const byService = Object.fromEntries(
    SERVICES.map((s) => [s, { usd: usd[s], perMillionTicks: usd[s] / millions }]),
  ) as Record<Service, ServiceLine>;
  const perMillionTicks = SERVICES.reduce((a, s) => a + byService[s].perMillionTicks, 0);
  return {
    priceTable: { region: table.region, date: table.date },
    usage,
    facts,
    byService,
    unpriced,
    perMillionTicks,
    perMonthAtRunRate: perMonth(perMillionTicks, facts.ticksPerSecond),
    metricsPerMonthWhileActive: activeMetricsPerMonth(inventory, table),
    inventory,
    idlePerMonth: idleCost(inventory, table),
  };
}

/** Dollars per month of the request-driven cost at `ticksPerSecond`. */
export function perMonth(perMillionTicks: number, ticksPerSecond: number): number {
  return (perMillionTicks * ticksPerSecond * SECONDS_PER_MONTH) / 1e6;
}
