import { describe, expect, it } from 'vitest';
import {
  type AlwaysOnInventory,
  costOfRun,
  emptyUsage,
  idleCost,
  onKafka,
  PRICE_TABLE,
  projectCost,
  type RunFacts,
} from '../../../shared/cost/index.js';

const inventory: AlwaysOnInventory = {
  provisionedShards: 1,
  onDemandStreams: 0,
  kmsKeys: 2,
  alarms: 17,
  dashboards: 1,
  customMetrics: 37,
  activeCustomMetrics: 37,
  scheduledInvocationsPerMonth: 52_560,
};
const facts: RunFacts = { ticks: 1_000_000, symbols: 10, ticksPerSecond: 1000, architecture: 'arm64' };

describe('the price table', () => {
  it('is dated and cites a page for every price', () => {
    expect(PRICE_TABLE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [key, price] of Object.entries(PRICE_TABLE.prices)) {
      expect(price.source, key).toMatch(/^https:\/\//);
      expect(price.per, key).toBeGreaterThan(0);
    }
  });
});

describe('costOfRun', () => {
  it('prices each service per million ticks and a month at the run rate (730 hours)', () => {
    const usage = { ...emptyUsage(), 'dynamodb.writeUnits': 1e6, 'kinesis.putPayloadUnits': 1e6 };
    const cost = costOfRun(usage, facts, inventory);
    expect(cost.byService.dynamodb.perMillionTicks).toBeCloseTo(0.625, 12);
    expect(cost.byService.kinesis.perMillionTicks).toBeCloseTo(0.014, 12);
    expect(cost.perMillionTicks).toBeCloseTo(0.639, 12);
    expect(cost.perMonthAtRunRate).toBeCloseTo((0.639 * 1000 * 730 * 3600) / 1e6, 6);
    expect(cost.unpriced).toEqual([]);
  });

  it('lists units it has no price for instead of guessing one', () => {
    const cost = costOfRun({ ...emptyUsage(), 'keyspaces.writeUnits': 500 }, facts, inventory);
    expect(cost.unpriced).toEqual(['keyspaces.writeUnits']);
    expect(cost.byService.keyspaces.usd).toBe(0);
  });

  it('prices GB-seconds at the architecture of the run', () => {
    const usage = { ...emptyUsage(), 'lambda.gbSeconds': 1e6 };
    const arm = costOfRun(usage, facts, inventory).byService.lambda.usd;
    const x86 = costOfRun(usage, { ...facts, architecture: 'x86_64' }, inventory).byService.lambda.usd;
    expect(arm).toBeCloseTo(13.3334, 6);
    expect(x86).toBeCloseTo(16.6667, 6);
  });

  it('bills on-demand streams per GiB instead of PUT payload units (unpriced until the table has the price)', () => {
    const usage = { ...emptyUsage(), 'kinesis.putPayloadUnits': 10, 'kinesis.onDemandBytesIn': 2 ** 30 };
    const cost = costOfRun(usage, facts, { ...inventory, provisionedShards: 0, onDemandStreams: 1 });
    expect(cost.byService.kinesis.usd).toBe(0);
    expect(cost.unpriced).toEqual(['kinesis.onDemandBytesIn']);
  });
});

describe('idleCost', () => {
  it('sums a month of shard-hours, keys, alarms, dashboards, metrics and scheduled requests', () => {
    const { usd, lines } = idleCost(inventory, PRICE_TABLE);
    const expected = 730 * 0.015 + 2 * 1 + 17 * 0.1 + 3 + 37 * 0.3 + (52_560 * 0.2) / 1e6;
    expect(usd).toBeCloseTo(expected, 9);
    expect(lines.find((l) => l.item.includes('on-demand'))?.usd).toBe(0);
  });
});

describe('a deployment on Kafka', () => {
  it('bills no Kinesis stream or shard and lists the Kafka cluster, unpriced (MSK’s bill is the user’s)', () => {
    const { usd, lines } = idleCost(onKafka(inventory), PRICE_TABLE);
    expect(usd).toBeCloseTo(idleCost(inventory, PRICE_TABLE).usd - 730 * 0.015, 9);
    const listed = lines.filter((l) => l.count > 0).map((l) => l.item);
    expect(listed.some((item) => item.startsWith('Kinesis'))).toBe(false);
    expect(lines.find((l) => l.item.startsWith('Kafka cluster'))).toMatchObject({ count: 1, usd: null });
  });

  it('a projection adds no shard at any rate', () => {
    const p = projectCost(
      costOfRun({ ...emptyUsage(), 'dynamodb.writeUnits': 1e6 }, facts, onKafka(inventory)),
      200_000,
    );
    expect(p.shards).toBe(0);
  });
});

describe('projectCost', () => {
  const usage = {
    ...emptyUsage(),
    'dynamodb.writeUnits': 1e6,
    'kinesis.putPayloadUnits': 1e4,
    'kinesis.records': 1e4,
    'kinesis.bytesIn': 5e7,
  };
  const run = costOfRun(usage, facts, inventory);

  it('keeps the per-tick cost at another rate and adds the shards the rate needs', () => {
    const p = projectCost(run, 200_000);
    expect(p.perMillionTicks).toBeCloseTo(run.perMillionTicks, 12);
    // 100 ticks per record → 2,000 records/s; 50 bytes per tick → 10 MB/s: 10 shards by bytes.
    expect(p.shards).toBe(10);
    expect(p.metricsPerMonth).toBeCloseTo(37 * 0.3, 9);
    expect(p.totalPerMonth).toBeCloseTo(p.perMonth + p.metricsPerMonth + p.idlePerMonth, 9);
  });

  it('scales the per-symbol writes (DynamoDB, Keyspaces) with the number of symbols', () => {
    const p = projectCost(run, 1000, 20);
    const expected = run.byService.dynamodb.perMillionTicks * 2 + run.byService.kinesis.perMillionTicks;
    expect(p.perMillionTicks).toBeCloseTo(expected, 12);
  });
});
