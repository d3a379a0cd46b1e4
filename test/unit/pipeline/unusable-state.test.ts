/**
 * A symbol whose stored state cannot be read back must not block its shard or the other symbols of
 * the batch: its ticks of the batch are quarantined with a reason naming the state, the item stays
 * as it was for someone to repair, and the rest of the batch proceeds. And in live mode a tick
 * stamped too far ahead of its record's arrival is quarantined before it can move a watermark.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryOutputStore, InMemoryStateStore } from '../../../shared/adapters/memory/stores.js';
import { logUnusableState } from '../../../shared/adapters/metrics.js';
import {
  aggregatorConfig,
  parseIntervals,
  SymbolAggregator,
  UnwritableSnapshotError,
} from '../../../shared/domain/index.js';
import { AggregationService } from '../../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../../shared/pipeline/domain-engine.js';
import type { DecodedRecord } from '../../../shared/pipeline/record-decoder.js';
import type { UnusableState } from '../../../shared/pipeline/unusable-state.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const config = aggregatorConfig({ intervals: parseIntervals(['1m']), allowedLatenessMs: MIN });

let seq = 0;
function record(payload: unknown, arrivalTime = T0 + 10 * MIN): DecodedRecord {
  seq++;
  return {
    shardId: 'shard-0',
    sequenceNumber: String(49_600_000_000_000 + seq).padStart(56, '0'),
    arrivalTime,
    payloads: [JSON.stringify(payload)],
  };
}
const tick = (symbol: string, offsetMs: number, price = 5) => ({ symbol, ts: T0 + offsetMs, price, size: 1 });

function service(maxFutureSkewMs?: number) {
  const state = new InMemoryStateStore();
  const outputs = new InMemoryOutputStore();
  const told: UnusableState[] = [];
  const svc = new AggregationService({
    state,
    outputs,
    engine: domainEngineFactory(config),
    now: () => T0,
    maxFutureSkewMs,
    onUnusableState: (s) => told.push(s),
  });
  return { svc, state, outputs, told };
}

describe('a state that cannot be read back', () => {
  it('quarantines that symbol’s ticks with a reason naming the state, and the other symbols proceed', async () => {
    const { svc, state, outputs, told } = service();
    await svc.processBatch([record(tick('EURUSD', 0)), record(tick('GBPUSD', 0))]);
    const [broken] = [...(await state.load(['EURUSD'])).values()];
    const snapshot = broken!.snapshot as { basePanes: unknown[] };
    // What an overflowed Σ price·size used to leave behind: a pane JSON wrote as null.
    await state.commit(
      {
        ...broken!,
        version: broken!.version + 1,
        snapshot: { ...snapshot, basePanes: [[1, null]] },
        // Another writer's commit: the instance cannot go on from its own engine.
        commitId: 'broken',
      },
      [],
    );

    const batch = [
      record([tick('EURUSD', 2 * MIN), tick('GBPUSD', 2 * MIN)]),
      record(tick('EURUSD', 3 * MIN)),
    ];
    const { failed, report } = await svc.processBatch(batch);

    expect(failed).toEqual([]);
    expect(report.failedSymbols).toEqual([]);
    expect(report.valid).toBe(1);
    expect(report.quarantined).toBe(2);
    expect(report.unusableStates).toEqual([
      {
        symbol: 'EURUSD',
        problem: 'unreadable',
        version: 2,
        reason: 'cannot restore snapshot of "EURUSD": basePanes holds a malformed pane',
        quarantined: 2,
      },
    ]);
    expect(told).toEqual(report.unusableStates);
    const reasons = [...outputs.quarantine.values()].map((q) => q.reason);
    expect(reasons).toEqual([
      'state of "EURUSD" (item version 2) cannot be read back: cannot restore snapshot of "EURUSD": basePanes holds a malformed pane; tick not applied',
      'state of "EURUSD" (item version 2) cannot be read back: cannot restore snapshot of "EURUSD": basePanes holds a malformed pane; tick not applied',
    ]);
    expect(JSON.parse([...outputs.quarantine.values()][0]!.raw)).toEqual(tick('EURUSD', 2 * MIN));
    // GBPUSD went on: its first window closed under the new watermark.
    expect([...outputs.bars.values()].map((b) => b.symbol)).toEqual(['GBPUSD']);
    // The broken item is left as it was, and a redelivery quarantines the same ticks under the same keys.
    expect((await state.load(['EURUSD'])).get('EURUSD')!.version).toBe(2);
    await svc.processBatch(batch);
    expect(outputs.quarantine.size).toBe(2);
    expect(outputs.conflictingRewrites).toBe(0);
  });

  it('does not stop the end-of-replay flush or the idle flush of the other symbols', async () => {
    const { svc, state, outputs } = service();
    await svc.processBatch([record(tick('EURUSD', 0)), record(tick('GBPUSD', 0))]);
    const broken = (await state.load(['EURUSD'])).get('EURUSD')!;
    await state.commit({ ...broken, version: 2, snapshot: { v: 9 }, commitId: 'broken' }, []);

    expect(await svc.idleWatermarks(0)).toEqual([]);
    const report = await svc.flushAll();
    expect(report.unusableStates.map((s) => s.symbol)).toEqual(['EURUSD']);
    expect([...outputs.bars.values()].map((b) => b.symbol)).toEqual(['GBPUSD']);
  });
});

describe('a state that would not read back', () => {
  it('is never written: the domain refuses the snapshot of an overflowed Σ price·size', () => {
    // The validator keeps such a tick out; applied directly, it shows what the guard catches.
    const agg = new SymbolAggregator('EURUSD', config);
    agg.apply({ symbol: 'EURUSD', ts: T0, price: 1e308, size: 5 });
    agg.drain();
    expect(() => agg.snapshot()).toThrow(UnwritableSnapshotError);
    expect(() => agg.snapshot()).toThrow(
      'snapshot of "EURUSD" would not restore: basePanes holds a malformed pane',
    );
  });

  it('quarantines the batch’s ticks of that symbol and writes neither its outputs nor its state', async () => {
    const state = new InMemoryStateStore();
    const outputs = new InMemoryOutputStore();
    const domain = domainEngineFactory(config);
    const engine = {
      ...domain,
      create: (symbol: string) => {
        const e = domain.create(symbol);
        if (symbol !== 'EURUSD') return e;
        return Object.assign(Object.create(e) as typeof e, {
          snapshot: () => {
            throw new UnwritableSnapshotError(symbol, 'basePanes holds a malformed pane');
          },
        });
      },
    };
    const svc = new AggregationService({ state, outputs, engine, now: () => T0 });
    const { failed, report } = await svc.processBatch([
      record([tick('EURUSD', 0), tick('EURUSD', 5 * MIN)]),
      record([tick('GBPUSD', 0), tick('GBPUSD', 5 * MIN)]),
    ]);
    expect(failed).toEqual([]);
    expect(report).toMatchObject({ valid: 2, quarantined: 2, stateWrites: 1 });
    expect(report.unusableStates).toMatchObject([{ symbol: 'EURUSD', problem: 'unwritable', version: 0 }]);
    expect([...outputs.bars.values()].map((b) => b.symbol)).toEqual(['GBPUSD']);
    expect([...(await state.scan()).map((s) => s.symbol)]).toEqual(['GBPUSD']);
    expect([...outputs.quarantine.values()][0]!.reason).toContain(
      'applying this batch would leave a state of "EURUSD" that cannot be read back',
    );
  });

  it('is logged as one JSON error line with the symbol, the item version and the reason', () => {
    const lines: string[] = [];
    logUnusableState(
      { symbol: 'EURUSD', problem: 'unreadable', version: 7, reason: 'bad pane', quarantined: 3 },
      (line) => lines.push(line),
    );
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'ERROR',
      message: 'state of "EURUSD" is unreadable; its ticks of the batch were quarantined',
      symbol: 'EURUSD',
      problem: 'unreadable',
      version: 7,
      reason: 'bad pane',
      quarantined: 3,
    });
  });
});

describe('the live clock check', () => {
  it('quarantines a tick stamped more than the skew ahead of its arrival, before it moves the watermark', async () => {
    const { svc, outputs } = service(5 * MIN);
    const arrival = T0 + 10 * MIN;
    const { report } = await svc.processBatch([
      record(tick('EURUSD', 0), arrival),
      record(tick('EURUSD', 24 * 3_600_000), arrival), // a clock one day ahead
      record([tick('EURUSD', 30_000, 6), tick('EURUSD', 10 * MIN + 5 * MIN)], arrival), // the last exactly at the skew
    ]);
    expect(report.valid).toBe(3);
    expect(report.quarantined).toBe(1);
    const [entry] = [...outputs.quarantine.values()];
    expect(entry).toMatchObject({ field: 'ts', raw: JSON.stringify(tick('EURUSD', 24 * 3_600_000)) });
    expect(entry!.reason).toContain("ahead of the record's arrival");
    expect(report.late).toEqual({}); // the tick 30 s in was not late: no watermark a day ahead
  });

  it('is off unless configured: a replay of old or future-dated files does not depend on when it runs', async () => {
    const { svc } = service();
    const { report } = await svc.processBatch([record(tick('EURUSD', 24 * 3_600_000), T0)]);
    expect(report).toMatchObject({ valid: 1, quarantined: 0 });
  });
});
