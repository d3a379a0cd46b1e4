/**
 * Two aggregator instances on the same shard and records (a zombie after a timeout, or a retry that
 * overlaps the original): on the real conditional writes of the local DynamoDB, the state never
 * regresses, every final bar is written once with one content, the seen-id log holds exactly the
 * committed ids (a losing attempt's log entries are never counted), and the result equals one
 * instance processing the records alone.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoOutputStore } from '../../shared/adapters/dynamo/output-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo/state-store.js';
import { InMemoryOutputStore, InMemoryStateStore } from '../../shared/adapters/memory/stores.js';
import { aggregatorConfig, parseIntervals, type SeenIds } from '../../shared/domain/index.js';
import { AggregationService } from '../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../shared/pipeline/domain-engine.js';
import type { StateStore, StoredSymbolState } from '../../shared/pipeline/ports.js';
import type { DecodedRecord } from '../../shared/pipeline/record-decoder.js';

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
  const ticksOf = (i: number) =>
    ['AAA', 'BBB'].map((symbol, k) => ({
      symbol,
      ts: t0 + i * 15_000 - (i % 5 === 0 ? 90_000 : 0) + k,
      price: 100 + Math.sin(i / 3) * 5 + k,
      size: (i % 4) + k,
      id: `${symbol}-${i}`,
    }));
  return Array.from({ length: n }, (_, i) => ({
    shardId: 'shardId-000000000000',
    sequenceNumber: String(49_000_000_000 + i * 7).padStart(56, '0'),
    arrivalTime: t0 + i * 1_000,
    // Every seventh record is a producer's retry of the ticks two records back: duplicates to drop.
    payloads: [JSON.stringify(ticksOf(i % 7 === 3 ? i - 2 : i))],
  }));
}

/** Logs successful commits and can hold a load until released (to make a zombie). */
class ObservedStateStore implements StateStore {
  readonly committed: StoredSymbolState[] = [];
  hold: { readonly release: Promise<void>; readonly loaded: () => void } | undefined;
  constructor(private readonly inner: StateStore) {}
  async load(symbols: readonly string[]) {
    const loaded = await this.inner.load(symbols);
    const hold = this.hold;
    if (hold) {
      hold.loaded();
      await hold.release;
    }
    return loaded;
  }
  loadSeenIds(state: StoredSymbolState) {
    return this.inner.loadSeenIds(state);
  }
  async commit(next: StoredSymbolState, newIds: SeenIds) {
    await this.inner.commit(next, newIds);
    this.committed.push(next);
  }
  scan() {
    return this.inner.scan();
  }
}

/** The sightings that still matter, one per id with its largest ts, sorted: what a restore builds. */
function liveIds(ids: SeenIds, state: StoredSymbolState): [string, number][] {
  const latest = new Map<string, number>();
  for (const [id, ts] of ids)
    if (ts >= state.seenIdsFrom! && ts > (latest.get(id) ?? -Infinity)) latest.set(id, ts);
  return [...latest].sort((a, b) => (a[0] < b[0] ? -1 : 1));
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
      const state = new ObservedStateStore(
        new DynamoStateStore(doc, aws.names.stateTable, aws.names.seenIdsTable),
      );
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
    let loaded!: () => void;
    const zombieLoaded = new Promise<void>((r) => {
      loaded = r;
    });
    zombie.state.hold = {
      release: new Promise((r) => {
        release = r;
      }),
      loaded,
    };
    const zombieRun = zombie.svc.processBatch(all.slice(0, 80));
    await zombieLoaded;
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
      expect(liveIds(await live.state.loadSeenIds(s), s)).toEqual(
        liveIds(await reference.state.loadSeenIds(ref), ref),
      );
    }
    expect(refStates.reduce((n, s) => n + s.counters.duplicates, 0)).toBeGreaterThan(0);
    // The zombie's lost attempts left log entries nobody counts.
    const logItems = await tableItems(aws.names.seenIdsTable);
    expect(logItems.length).toBeGreaterThan(states.length);
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
