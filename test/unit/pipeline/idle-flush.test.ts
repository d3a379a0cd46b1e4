/**
 * The idle flush (docs/stream-contract.md#idle-flush: a quiet symbol's bars still come out) goes through the stream: the
 * service computes watermark marks from processing time, the caller puts them on the stream, and
 * the aggregator applies them in order among the ticks. Bars stay a pure function of the records,
 * so a slow instance holding old state and the instance that read the mark write the same bars.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryOutputStore, InMemoryStateStore } from '../../../shared/adapters/memory/stores.js';
import {
  aggregatorConfig,
  parseIntervals,
  type WatermarkMark,
  watermarkMarkPayload,
} from '../../../shared/domain/index.js';
import { AggregationService } from '../../../shared/pipeline/aggregation-service.js';
import { domainEngineFactory } from '../../../shared/pipeline/domain-engine.js';
import type { StateStore, StoredSymbolState } from '../../../shared/pipeline/ports.js';
import type { DecodedRecord } from '../../../shared/pipeline/record-decoder.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const config = aggregatorConfig({ intervals: parseIntervals(['1m', '5m']), allowedLatenessMs: 2 * MIN });
const IDLE = 30_000;

let seq = 0;
function record(payload: string): DecodedRecord {
  seq++;
  return {
    shardId: 'shard-0',
    sequenceNumber: String(49_600_000_000_000 + seq).padStart(56, '0'),
    arrivalTime: T0,
    payloads: [payload],
  };
}

const tick = (offsetMs: number, price: number) =>
  record(JSON.stringify({ symbol: 'ETH', ts: T0 + offsetMs, price, size: 1 }));

function service(state: StateStore = new InMemoryStateStore(), clock = { now: 0 }) {
  const outputs = new InMemoryOutputStore();
  const svc = new AggregationService({
    state,
    outputs,
    engine: domainEngineFactory(config),
    now: () => clock.now,
    idleTimeoutMs: IDLE,
  });
  return { svc, outputs, clock };
}

describe('idle flush through watermark marks', () => {
  it('marks only quiet symbols that have a bar to close, and the mark closes it when it is read back', async () => {
    const state = new InMemoryStateStore();
    const { svc, outputs, clock } = service(state, { now: 1_000_000 });
    await svc.processBatch([tick(10_000, 5), tick(20_000, 6)]);

    clock.now += IDLE - 1;
    expect(await svc.idleWatermarks()).toEqual([]); // not quiet long enough
    clock.now += 1;
    // W = maxTs + quiet − lateness = 20 s + 30 s − 2 min: closes nothing yet.
    expect(await svc.idleWatermarks()).toEqual([]);

    clock.now += 3 * MIN;
    const marks = await svc.idleWatermarks();
    const expected: WatermarkMark = { symbol: 'ETH', watermark: T0 + 20_000 + (IDLE + 3 * MIN) - 2 * MIN };
    expect(marks).toEqual([expected]);
    expect(outputs.bars.size).toBe(0); // computing marks writes nothing

    const { report } = await svc.processBatch([record(watermarkMarkPayload(marks[0]!))]);
    expect(report).toMatchObject({ valid: 0, quarantined: 0, bars: { '1m': 1 } });
    expect([...outputs.bars.values()].map((b) => `${b.interval}@${b.windowStart - T0}`)).toEqual(['1m@0']);

    // The 5m window is still open: a later run marks it once the idle watermark passes its end.
    clock.now += 4 * MIN;
    const later = await svc.idleWatermarks();
    expect(later.map((m) => m.watermark - T0)).toEqual([20_000 + (IDLE + 7 * MIN) - 2 * MIN]);
    await svc.processBatch([record(watermarkMarkPayload(later[0]!))]);
    expect([...outputs.bars.values()].map((b) => b.interval)).toEqual(['1m', '5m']);
    expect(await svc.idleWatermarks()).toEqual([]); // nothing left open
    const [stored] = await state.scan();
    expect(stored?.counters.valid).toBe(2);
  });

  it('a mark counts as a record for redelivery: replayed, it changes nothing', async () => {
    const { svc, outputs } = service();
    const batch = [tick(0, 5), record(watermarkMarkPayload({ symbol: 'ETH', watermark: T0 + 5 * MIN }))];
    await svc.processBatch(batch);
    const bars = [...outputs.bars.values()];
    const { report } = await svc.processBatch(batch);
    expect(report.replayedRecords).toBe(2);
    expect([...outputs.bars.values()]).toEqual(bars);
  });

  it('ignores a mark that comes before the symbol’s first tick (its state was reset meanwhile)', async () => {
    const { svc, outputs } = service();
    await svc.processBatch([record(watermarkMarkPayload({ symbol: 'ETH', watermark: T0 + 60 * MIN }))]);
    const { report } = await svc.processBatch([tick(0, 5)]);
    expect(report.late).toEqual({});
    await svc.flushAll();
    expect([...outputs.bars.values()].map((b) => b.interval)).toEqual(['1m', '5m']);
  });

  it('a slow instance working from the state before the mark writes the same bar as the one that read it', async () => {
    // The race the old direct idle flush lost: a window closed by processing time while another
    // instance, from older state, closed it by event time with more ticks in it.
    const shared = new InMemoryStateStore();
    const fast = service(shared);
    const ticks = [tick(10_000, 5)];
    await fast.svc.processBatch(ticks);
    const before = structuredClone(await shared.scan());

    // The stream now holds: the mark (idle flush), then a burst that closes the same window by event time.
    const mark = record(watermarkMarkPayload({ symbol: 'ETH', watermark: T0 + MIN }));
    const burst = [tick(50_000, 7), tick(4 * MIN, 8)];
    await fast.svc.processBatch([mark, ...burst]);

    // A zombie that loaded the state before the mark, and processes the same records (a retry).
    const stale = new InMemoryStateStore();
    for (const s of before) await stale.commit(s as StoredSymbolState, []);
    const zombie = service(stale);
    await zombie.svc.processBatch([mark, ...burst]);

    expect([...zombie.outputs.bars.entries()]).toEqual([...fast.outputs.bars.entries()]);
    expect([...zombie.outputs.late.entries()]).toEqual([...fast.outputs.late.entries()]);
    // The tick at 50 s came after the mark closed [0, 1m): late for 1m, in the 5m bar, on both.
    expect([...fast.outputs.late.values()].map((l) => `${l.interval}@${l.tick.ts - T0}`)).toEqual([
      '1m@50000',
    ]);
  });
});
