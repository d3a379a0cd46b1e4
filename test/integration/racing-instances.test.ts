/**
 * Two aggregator instances on the same shard and records (a zombie after a timeout, or a retry that
 * overlaps the original): on the real conditional writes of the local DynamoDB, the state never
 * regresses, every final bar is written once with one content, and the result equals one instance
 * processing the records alone.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo/state-store.js';
import { InMemoryOutputStore, InMemoryStateStore } from '../../shared/adapters/memory/stores.js';
import { aggregatorConfig, parseIntervals } from '../../shared/domain/index.js';
import { AggregationService, type DecodedRecord } from '../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../shared/pipeline/domain-engine.js';
import type { StateStore, StoredSymbolState } from '../../shared/pipeline/ports.js';

const config = aggregatorConfig({ intervals: parseIntervals(['1m', '5m_1m']), allowedLatenessMs: 60_000 });
let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws({ shards: 1 });
});
afterAll(async () => {
  await aws?.stop();
});

function records(n: number): DecodedRecord[] {
  const t0 = Date.UTC(2024, 5, 1);
  return Array.from({ length: n }, (_, i) => ({
    shardId: 'shardId-000000000000',
    sequenceNumber: String(49_000_000_000 + i * 7).padStart(56, '0'),
    arrivalTime: t0 + i * 1_000,
    payloads: [
      JSON.stringify(
        ['AAA', 'BBB'].map((symbol, k) => ({
          symbol,
          ts: t0 + i * 15_000 - (i % 5 === 0 ? 90_000 : 0) + k,
          price: 100 + Math.sin(i / 3) * 5 + k,
          size: (i % 4) + k,
          id: `${symbol}-${i}`,
        })),
      ),
    ],
  }));
}

/** Logs successful commits and can hold a load until released (to make a zombie). */
class ObservedStateStore implements StateStore {
  readonly committed: StoredSymbolState[] = [];
  hold: Promise<void> | undefined;
  constructor(private readonly inner: StateStore) {}
  async load(symbols: readonly string[]) {
    const loaded = await this.inner.load(symbols);
    if (this.hold) await this.hold;
    return loaded;
  }
  async commit(next: StoredSymbolState) {
    await this.inner.commit(next);
    this.committed.push(next);
  }
  scan() {
    return this.inner.scan();
  }
}

async function tableItems(table: string): Promise<Record<string, unknown>[]> {
  const doc = createDocumentClient(aws.clientConfig);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('racing instances on one shard', () => {
  it('a zombie working from stale state loses its commit, and neither state nor bars regress', async () => {
    const all = records(120);
    const reference = { state: new InMemoryStateStore(), outputs: new InMemoryOutputStore() };
    await new AggregationService({
      ...reference,
      engine: domainEngineFactory(config),
      now: () => 5,
    }).processBatch(all);

    const make = () => {
      const doc = createDocumentClient(aws.clientConfig);
      const state = new ObservedStateStore(new DynamoStateStore(doc, aws.names.stateTable));
      const outputs = new DynamoOutputStore(doc, aws.names.outputTable);
      return {
        state,
        svc: new AggregationService({ state, outputs, engine: domainEngineFactory(config), now: () => 5 }),
      };
    };
    const live = make();
    const zombie = make();

    await live.svc.processBatch(all.slice(0, 40));
    // The zombie reads the state after record 40, then stalls while the live instance goes on.
    let release!: () => void;
    zombie.state.hold = new Promise((r) => {
      release = r;
    });
    const zombieRun = zombie.svc.processBatch(all.slice(0, 80));
    await new Promise((r) => setTimeout(r, 200));
    await live.svc.processBatch(all.slice(40, 100));
    zombie.state.hold = undefined;
    release();
    const { report: zombieReport } = await zombieRun;
    // Both race over the rest, split differently.
    await Promise.all([
      live.svc.processBatch(all.slice(90, 120)),
      zombie.svc.processBatch(all.slice(60, 120)),
    ]);

    expect(zombieReport.stateConflicts).toBeGreaterThan(0);
    for (const symbol of ['AAA', 'BBB']) {
      const history = [...live.state.committed, ...zombie.state.committed]
        .filter((s) => s.symbol === symbol)
        .sort((a, b) => a.version - b.version);
      const applied = history.map((s) => s.applied['shardId-000000000000']!);
      expect(applied).toEqual([...applied].sort());
      expect(new Set(history.map((s) => s.version)).size).toBe(history.length);
    }

    const states = await live.state.scan();
    const refStates = await reference.state.scan();
    for (const s of states) {
      const ref = refStates.find((r) => r.symbol === s.symbol)!;
      expect(s.snapshot).toEqual(ref.snapshot);
      expect(s.counters).toEqual(ref.counters);
    }
    const bars = (await tableItems(aws.names.outputTable)).filter((i) => String(i.pk).startsWith('bar|'));
    expect(bars.length).toBe(reference.outputs.bars.size);
    for (const item of bars) {
      const ref = reference.outputs.bars.get(`${item.symbol} ${item.interval} ${item.window_start}`)!;
      expect([item.open, item.high, item.low, item.close, item.trade_count]).toEqual([
        ref.open,
        ref.high,
        ref.low,
        ref.close,
        ref.tradeCount,
      ]);
    }
  });
});
