import type { CostProjection, CostSection, Service } from '../../shared/cost/index.js';

const SERVICE_LABEL: Record<Service, string> = {
  dynamodb: 'DynamoDB',
  kinesis: 'Kinesis',
  s3: 'S3',
  lambda: 'Lambda',
  keyspaces: 'Keyspaces',
  stepFunctions: 'Step Functions',
};

/** Dollars with enough digits to show small per-tick figures. */
export function usd(n: number): string {
  if (n === 0) return '$0';
  if (Math.abs(n) >= 100) return `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`;
  return `$${n.toPrecision(3)}`;
}

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The cost lines of the end-of-run summary. */
export function formatCost(c: CostSection): string[] {
  const u = c.usage;
  const services = (Object.keys(c.byService) as Service[]).filter((s) => c.byService[s].usd > 0);
  const lines = [
    `  cost          ${c.priceTable.region} list prices of ${c.priceTable.date} (README "Cost"; no free tiers)`,
    `    per million ticks  ${usd(c.perMillionTicks)}  (${services
      .map((s) => `${SERVICE_LABEL[s]} ${usd(c.byService[s].perMillionTicks)}`)
      .join(', ')})`,
    `    per month          ${usd(c.perMonthAtRunRate)} at the run's ${num(c.facts.ticksPerSecond)} ticks/s + metrics ${usd(c.metricsPerMonthWhileActive)} while ticks flow + idle ${usd(c.idlePerMonth.usd)}`,
    `    idle per month     ${c.idlePerMonth.lines
      .filter((l) => l.count > 0)
      .map((l) => `${l.item} ×${num(l.count)} ${l.usd === null ? 'unpriced' : usd(l.usd)}`)
      .join(', ')}`,
    `    units              DynamoDB ${num(u['dynamodb.writeUnits'])} WRU + ${num(u['dynamodb.readUnits'])} RRU` +
      ` (${num(u['dynamodb.conditionalFailures'])} failed conditions); Kinesis ${num(u['kinesis.putPayloadUnits'])} PUT units,` +
      ` ${num(u['kinesis.shardHours'])} shard-h; S3 ${num(u['s3.putCopyPostListRequests'])} PUT/LIST + ${num(u['s3.getAndOtherRequests'])} GET,` +
      ` ${num(u['s3.storedBytes'] / 2 ** 20)} MiB stored; Lambda ${num(u['lambda.requests'])} requests, ${num(u['lambda.gbSeconds'])} GB-s;` +
      ` Keyspaces ${num(u['keyspaces.writeUnits'])} WRU; Step Functions ${num(u['stepFunctions.stateTransitions'])} transitions`,
  ];
  if (c.unpriced.length > 0) {
    lines.push(`    not priced         ${c.unpriced.join(', ')} (no citable price in shared/cost/prices.ts)`);
  }
  return lines;
}

/** `tickflow cost` output: the projection and what it assumed. */
export function formatProjection(run: CostSection, p: CostProjection): string {
  const lines = [
    `tickflow cost — ${num(p.ticksPerSecond)} ticks/s, ${num(p.symbols)} symbols (run: ${num(run.facts.ticksPerSecond)} ticks/s, ${num(run.facts.symbols)} symbols, ${num(run.facts.ticks)} ticks)`,
    `  prices             ${run.priceTable.region} list prices of ${run.priceTable.date}, no free tiers`,
    `  per million ticks  ${usd(p.perMillionTicks)}`,
    `  per month          ${usd(p.perMonth)} request-driven + ${usd(p.metricsPerMonth)} metrics + ${usd(p.idlePerMonth)} always-on (${run.inventory.kafkaClusters ? 'no shard; the Kafka cluster is not included' : p.shards > 0 ? `${p.shards} shard(s)` : 'on-demand stream'}) = ${usd(p.totalPerMonth)}`,
  ];
  if (p.unpriced.length > 0) lines.push(`  not priced         ${p.unpriced.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
