/**
 * The batching law of exactly-once (docs/stream-contract.md#exactly-once-in-effect): any split of the same record sequence into batches,
 * with any redelivery of records already applied (Lambda retries from its checkpoint, bisected or
 * re-split batches), yields the same bars, late ticks, quarantine, counts and engine state as one
 * batch per shard.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryOutputStore, InMemoryStateStore } from '../../../shared/adapters/memory/stores.js';
import {
  aggregatorConfig,
  parseIntervals,
  type SeenIds,
  watermarkMarkPayload,
} from '../../../shared/domain/index.js';
import { AggregationService } from '../../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../../shared/pipeline/domain-engine.js';
import type { DecodedRecord } from '../../../shared/pipeline/record-decoder.js';

const config = aggregatorConfig({
  intervals: parseIntervals(['1m', '5m', '5m_1m']),
  allowedLatenessMs: 120_000,
});
const SYMBOLS = ['BTC-USDT', 'EUR/USD', 'XAU:USD'];
const SHARD_OF: Record<string, string> = {
  'BTC-USDT': 'shard-0',
  'EUR/USD': 'shard-1',
  'XAU:USD': 'shard-0',
};

/**
 * Records of two shards, in shard order: valid ticks (some out of order, late, duplicated), junk,
 * and watermark marks as the idle flush puts on the stream.
 */
const recordsArb = fc
  .array(
    fc.record({
      symbol: fc.constantFrom(...SYMBOLS),
      step: fc.integer({ min: 0, max: 20_000 }),
      back: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400_000 })),
      price: fc.double({ min: 1, max: 100, noNaN: true }),
      size: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true })),
      id: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      junk: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      mark: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      packed: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((specs) => {
    let clock = Date.UTC(2024, 0, 1);
    const seq: Record<string, number> = { 'shard-0': 0, 'shard-1': 0 };
    const records: DecodedRecord[] = [];
    for (const s of specs) {
      clock += s.step;
      const shardId = SHARD_OF[s.symbol]!;
      const ticks = Array.from({ length: s.packed }, (_, i) => ({
        symbol: s.symbol,
        ts: clock - s.back + i,
        price: s.price,
        size: s.size,
        ...(s.id === undefined ? {} : { id: `t${s.id + i}` }),
      }));
      const payload = s.mark
        ? watermarkMarkPayload({ symbol: s.symbol, watermark: clock - s.back })
        : s.junk
          ? `{"symbol":"${s.symbol}","price":-1}`
          : JSON.stringify(ticks.length === 1 ? ticks[0] : ticks);
      seq[shardId]! += 1;
      records.push({
        shardId,
        sequenceNumber: String(49_600_000_000_000 + seq[shardId]!).padStart(56, '0'),
        arrivalTime: clock,
        payloads: [payload],
      });
    }
    return records;
  });

function service(
  state = new InMemoryStateStore(),
  outputs = new InMemoryOutputStore(),
): { svc: AggregationService; state: InMemoryStateStore; outputs: InMemoryOutputStore } {
  const svc = new AggregationService({
    state,
    outputs,
    engine: domainEngineFactory(config),
    now: () => 1_000,
  });
  return { svc, state, outputs };
}

async function outcome(s: ReturnType<typeof service>) {
  const states = await Promise.all(
    (await s.state.scan())
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .map(async ({ version: _v, commitId: _c, seenIdsTip: _t, ...rest }) => ({
        ...rest,
        // The ids a restore would count: one per id, its largest ts, inside the horizon.
        seenIds: liveIds(
          await s.state.loadSeenIds({ ...rest, version: 0, seenIdsTip: _t }),
          rest.seenIdsFrom,
        ),
      })),
  );
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    states,
    bars: sorted(s.outputs.bars),
    late: sorted(s.outputs.late),
    quarantine: sorted(s.outputs.quarantine),
    conflicts: s.outputs.conflictingRewrites,
  };
}

function liveIds(ids: SeenIds, from: number | null): [string, number][] {
  const latest = new Map<string, number>();
  for (const [id, ts] of ids)
    if (from !== null && ts >= from && ts > (latest.get(id) ?? Number.NEGATIVE_INFINITY)) latest.set(id, ts);
  return [...latest].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Delivery plan per shard: cut points, and for each batch how far back it restarts (redelivery). */
const planArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 0, max: 6 })), {
  minLength: 1,
  maxLength: 60,
});

describe('batching and redelivery laws', () => {
  it('any split into batches, with any replay of applied records, gives the same bars and state', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArb,
        planArb,
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        async (records, plan, firstShard, restartEachBatch) => {
          const reference = service();
          for (const shard of ['shard-0', 'shard-1']) {
            const own = records.filter((r) => r.shardId === shard);
            if (own.length > 0) await reference.svc.processBatch(own);
          }
          await reference.svc.flushAll();

          // Restarting the instance before each batch makes every batch restore from the seen-id log.
          let subject = service();
          const shards = firstShard === 0 ? ['shard-0', 'shard-1'] : ['shard-1', 'shard-0'];
          const cursor: Record<string, number> = { 'shard-0': 0, 'shard-1': 0 };
          let step = 0;
          for (;;) {
            const open = shards.filter((s) => cursor[s]! < records.filter((r) => r.shardId === s).length);
            if (open.length === 0) break;
            const [size, back] = plan[step % plan.length]!;
            const shard = open[step % open.length]!;
            step++;
            const own = records.filter((r) => r.shardId === shard);
            const start = Math.max(0, cursor[shard]! - back);
            const end = Math.min(own.length, cursor[shard]! + size);
            if (restartEachBatch) subject = service(subject.state, subject.outputs);
            await subject.svc.processBatch(own.slice(start, end));
            cursor[shard] = end;
          }
          await subject.svc.flushAll();

          expect(await outcome(subject)).toEqual(await outcome(reference));
          expect(reference.outputs.conflictingRewrites).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a batch delivered again after it was applied changes nothing and is counted as replayed', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, async (records) => {
        const s = service();
        const shard0 = records.filter((r) => r.shardId === 'shard-0');
        fc.pre(shard0.length > 0);
        await s.svc.processBatch(shard0);
        const before = await outcome(s);
        const { report } = await s.svc.processBatch(shard0);
        expect(report.replayedRecords).toBe(
          new Set(shard0.filter((r) => !r.payloads[0]!.includes('"price":-1')).map((r) => r.sequenceNumber))
            .size,
        );
        expect(report.valid).toBe(0);
        expect(await outcome(s)).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});
