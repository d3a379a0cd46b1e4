import { describe, expect, it } from 'vitest';
import { SymbolAggregator } from '../../../shared/domain/aggregator.js';
import { aggregatorConfig } from '../../../shared/domain/aggregator-config.js';
import {
  InvalidSnapshotError,
  PendingOutputsError,
  SymbolMismatchError,
} from '../../../shared/domain/errors.js';
import { parseIntervals } from '../../../shared/domain/intervals.js';
import type { SymbolSnapshot } from '../../../shared/domain/snapshot.js';
import type { Tick } from '../../../shared/domain/types.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function aggregator(labels: string[], allowedLatenessMs = 2 * MIN, dedupHorizonMs = MIN): SymbolAggregator {
  return new SymbolAggregator(
    'BTC',
    aggregatorConfig({ intervals: parseIntervals(labels), allowedLatenessMs, dedupHorizonMs }),
  );
}

function tick(offsetMs: number, price = 100, size = 1, id?: string): Tick {
  return id === undefined
    ? { symbol: 'BTC', ts: T0 + offsetMs, price, size }
    : { symbol: 'BTC', ts: T0 + offsetMs, price, size, id };
}

describe('SymbolAggregator: bars', () => {
  it('builds open/high/low/close, volume, vwap and trade count of a window', () => {
    const agg = aggregator(['1m']);
    agg.apply(tick(10_000, 100, 1));
    agg.apply(tick(20_000, 110, 3));
    agg.apply(tick(5_000, 90, 2));
    agg.flush();
    expect(agg.drain().closed).toEqual([
      {
        symbol: 'BTC',
        interval: '1m',
        windowStart: T0,
        windowEnd: T0 + MIN,
        open: 90,
        high: 110,
        low: 90,
        close: 110,
        volume: 6,
        vwap: (100 + 330 + 180) / 6,
        tradeCount: 3,
      },
    ]);
  });

  it('breaks open ties by first arrival and close ties by last arrival', () => {
    const agg = aggregator(['1m']);
    agg.apply(tick(0, 101));
    agg.apply(tick(0, 102));
    agg.apply(tick(30_000, 201));
    agg.apply(tick(30_000, 202));
    agg.flush();
    const [bar] = agg.drain().closed;
    expect([bar!.open, bar!.close]).toEqual([101, 202]);
  });

  it('gives a null vwap when every tick has size 0, and still counts the trades', () => {
    const agg = aggregator(['1m']);
    agg.apply(tick(0, 100, 0));
    agg.apply(tick(1_000, 105, 0));
    agg.flush();
    expect(agg.drain().closed[0]).toMatchObject({
      volume: 0,
      vwap: null,
      tradeCount: 2,
      high: 105,
      low: 100,
    });
  });

  it('produces bars only for windows that got ticks', () => {
    const agg = aggregator(['1m']);
    agg.apply(tick(0));
    agg.apply(tick(10 * MIN));
    agg.flush();
    expect(agg.drain().closed.map((b) => b.windowStart - T0)).toEqual([0, 10 * MIN]);
  });

  it('counts a tick in each of the size/slide sliding windows that hold it', () => {
    const agg = aggregator(['3m_1m']);
    agg.apply(tick(2 * MIN + 5_000, 50, 2));
    agg.flush();
    const bars = agg.drain().closed;
    expect(bars.map((b) => [b.windowStart - T0, b.windowEnd - T0])).toEqual([
      [0, 3 * MIN],
      [MIN, 4 * MIN],
      [2 * MIN, 5 * MIN],
    ]);
    expect(bars.every((b) => b.volume === 2 && b.tradeCount === 1)).toBe(true);
  });
});

describe('SymbolAggregator: watermark and late data', () => {
  it('closes a window as soon as the watermark reaches its end, exactly at window_end == W', () => {
    const agg = aggregator(['1m'], 2 * MIN);
    agg.apply(tick(30_000));
    agg.apply(tick(3 * MIN - 1));
    expect(agg.watermark).toBe(T0 + MIN - 1);
    expect(agg.drain().closed).toEqual([]);
    agg.apply(tick(3 * MIN));
    expect(agg.watermark).toBe(T0 + MIN);
    expect(agg.drain().closed.map((b) => b.windowStart - T0)).toEqual([0]);
  });

  it('sends a tick whose only window has window_end == W to the late output with that W', () => {
    const agg = aggregator(['1m'], 2 * MIN);
    agg.apply(tick(3 * MIN));
    const lateTick = tick(59_999);
    agg.apply(lateTick);
    const { late, closed } = agg.drain();
    expect(late).toEqual([{ tick: lateTick, interval: '1m', watermark: T0 + MIN }]);
    expect(closed).toEqual([]);
  });

  it('still accepts a tick whose window ends one millisecond after the watermark', () => {
    const agg = aggregator(['1m'], 2 * MIN);
    agg.apply(tick(3 * MIN - 1));
    agg.apply(tick(0, 42));
    agg.flush();
    const { late, closed } = agg.drain();
    expect(late).toEqual([]);
    expect(closed[0]).toMatchObject({ windowStart: T0, open: 42, tradeCount: 1 });
  });

  it('never changes a closed bar: a later tick for it is late, not merged', () => {
    const agg = aggregator(['1m'], 0);
    agg.apply(tick(10_000, 100));
    agg.apply(tick(MIN, 100));
    const first = agg.drain().closed;
    agg.apply(tick(20_000, 500));
    agg.flush();
    const rest = agg.drain();
    expect(first).toHaveLength(1);
    expect(first[0]!.high).toBe(100);
    expect(rest.late).toHaveLength(1);
    expect(rest.closed.map((b) => b.windowStart - T0)).toEqual([MIN]);
  });

  it('feeds a partly late tick to the sliding windows still open and reports it late for a closed tumbling one', () => {
    const agg = aggregator(['1m', '3m_1m'], 0);
    agg.apply(tick(2 * MIN + 30_000));
    const straggler = tick(MIN + 30_000, 7);
    agg.apply(straggler);
    agg.flush();
    const { late, closed } = agg.drain();
    expect(late.map((l) => l.interval)).toEqual(['1m']);
    const sliding = closed
      .filter((b) => b.interval === '3m_1m')
      .map((b) => [b.windowStart - T0, b.tradeCount]);
    // W = 2m30s: window [0,3m) and [1m,4m) are open and take the straggler.
    expect(sliding).toEqual([
      [0, 2],
      [MIN, 2],
      [2 * MIN, 1],
    ]);
  });

  it('raises the watermark with the max ts of late ticks and duplicates too, never lowers it', () => {
    const agg = aggregator(['1m'], MIN);
    agg.apply(tick(5 * MIN, 100, 1, 'a'));
    agg.apply(tick(10 * MIN, 100, 1, 'a'));
    expect(agg.drain().duplicates).toBe(1);
    expect(agg.maxTs).toBe(T0 + 10 * MIN);
    agg.apply(tick(0));
    expect(agg.watermark).toBe(T0 + 9 * MIN);
  });

  it('reports a null watermark and max ts before the first tick', () => {
    const agg = aggregator(['1m']);
    expect([agg.watermark, agg.maxTs]).toEqual([null, null]);
  });
});

describe('SymbolAggregator: duplicates', () => {
  it('drops a repeated id within the horizon before any window sees it', () => {
    const agg = aggregator(['1m']);
    agg.apply(tick(0, 100, 1, 't1'));
    agg.apply(tick(0, 999, 50, 't1'));
    agg.flush();
    const { closed, duplicates, ticks } = agg.drain();
    expect(duplicates).toBe(1);
    expect(ticks).toBe(2);
    expect(closed[0]).toMatchObject({ high: 100, volume: 1, tradeCount: 1 });
  });

  it('treats the horizon boundary as inclusive: earlier ts == maxTs − horizon is still a duplicate', () => {
    const agg = aggregator(['1m'], 10 * MIN, MIN);
    agg.apply(tick(0, 100, 1, 'x'));
    agg.apply(tick(MIN, 100, 1, 'y'));
    agg.apply(tick(30_000, 100, 1, 'x'));
    expect(agg.drain().duplicates).toBe(1);
  });

  it('accepts a repeated id whose earlier tick fell out of the horizon', () => {
    const agg = aggregator(['1m'], 10 * MIN, MIN);
    agg.apply(tick(0, 100, 1, 'x'));
    agg.apply(tick(MIN + 1, 100, 1, 'y'));
    agg.apply(tick(30_000, 100, 1, 'x'));
    agg.flush();
    const { duplicates, closed } = agg.drain();
    expect(duplicates).toBe(0);
    expect(closed[0]!.tradeCount).toBe(2);
  });

  it('never deduplicates ticks without an id', () => {
    const agg = aggregator(['1m']);
    agg.apply(tick(0));
    agg.apply(tick(0));
    agg.flush();
    const { duplicates, closed } = agg.drain();
    expect(duplicates).toBe(0);
    expect(closed[0]!.tradeCount).toBe(2);
  });
});

describe('SymbolAggregator: idle advance, flush, forming', () => {
  it('closes windows of a quiet symbol once the idle timeout passed in processing time', () => {
    const agg = aggregator(['1m'], 2 * MIN);
    agg.apply(tick(30_000), 1_000_000);
    agg.advanceIdle(1_000_000 + 59_999, MIN);
    expect(agg.drain().closed).toEqual([]);
    agg.advanceIdle(1_000_000 + 2 * MIN, MIN);
    expect(agg.watermark).toBe(T0 + 30_000);
    agg.advanceIdle(1_000_000 + 3 * MIN - 30_000, MIN);
    expect(agg.watermark).toBe(T0 + MIN);
    expect(agg.drain().closed.map((b) => b.windowStart - T0)).toEqual([0]);
  });

  it('never lowers the watermark by idle advance, and does nothing without processing times', () => {
    const untracked = aggregator(['1m'], 2 * MIN);
    untracked.apply(tick(30_000));
    untracked.advanceIdle(Number.MAX_SAFE_INTEGER, 0);
    expect(untracked.watermark).toBe(T0 + 30_000 - 2 * MIN);

    const agg = aggregator(['1m'], 2 * MIN);
    agg.apply(tick(10 * MIN), 5_000);
    agg.advanceIdle(6_000, 0);
    expect(agg.watermark).toBe(T0 + 8 * MIN + 1_000);
    agg.apply(tick(10 * MIN), 6_000);
    agg.advanceIdle(6_000, 0);
    expect(agg.watermark).toBe(T0 + 8 * MIN + 1_000);
  });

  it('flush closes every open window and later ticks for them are late', () => {
    const agg = aggregator(['1m', '1h']);
    agg.apply(tick(0));
    agg.apply(tick(90_000));
    agg.flush();
    expect(agg.drain().closed.map((b) => `${b.interval}@${b.windowStart - T0}`)).toEqual([
      '1m@0',
      '1m@60000',
      '1h@0',
    ]);
    agg.apply(tick(100_000));
    expect(agg.drain().late.map((l) => l.interval)).toEqual(['1m', '1h']);
  });

  it('shows the current bars of open windows as forming, without closing them', () => {
    const agg = aggregator(['1m', '2m_1m'], 10 * MIN);
    agg.apply(tick(0, 10));
    agg.apply(tick(70_000, 20));
    const forming = agg.forming().map((b) => `${b.interval}@${b.windowStart - T0}:${b.tradeCount}`);
    expect(forming).toEqual(['1m@0:1', '1m@60000:1', '2m_1m@-60000:1', '2m_1m@0:2', '2m_1m@60000:1']);
    expect(agg.drain().closed).toEqual([]);
  });
});

describe('SymbolAggregator: snapshot', () => {
  it('keeps an idle-raised watermark and the last arrival time across snapshot and restore', () => {
    const agg = aggregator(['1m'], 2 * MIN);
    agg.apply(tick(30_000), 1_000);
    agg.advanceIdle(1_000 + 3 * MIN, MIN);
    agg.drain();
    const restored = SymbolAggregator.restore(agg.config, JSON.parse(JSON.stringify(agg.snapshot())));
    expect(restored.watermark).toBe(T0 + MIN + 30_000);
    restored.apply(tick(45_000));
    expect(restored.drain().late).toHaveLength(1);
    restored.advanceIdle(1_000 + 4 * MIN, MIN);
    expect(restored.watermark).toBe(T0 + 2 * MIN + 45_000);
  });

  it('keeps only the panes of open windows and the ids inside the horizon', () => {
    const agg = aggregator(['1m', '3m_1m'], MIN, MIN);
    agg.apply(tick(0, 100, 1, 'old'));
    agg.apply(tick(10 * MIN, 100, 1, 'new'));
    agg.drain();
    const snapshot = agg.snapshot();
    expect(agg.seenIds()).toEqual([['new', T0 + 10 * MIN]]);
    expect(agg.seenIdsFrom).toBe(T0 + 10 * MIN - MIN);
    expect(snapshot).not.toHaveProperty('dedup');
    // The open minute is still a shared base pane: no interval has rolled it up yet.
    expect(snapshot.basePanes.map((p) => p[0])).toEqual([(T0 + 10 * MIN) / MIN]);
    expect(snapshot.intervals.map((i) => i.panes)).toEqual([[], []]);
  });

  it('keeps in the snapshot the panes that intervals rolled up, for the windows still open', () => {
    const agg = aggregator(['1m', '3m_1m'], MIN);
    agg.apply(tick(0));
    agg.apply(tick(2 * MIN + 30_000)); // W = 1m30s: minute 0 is rolled up, 1m window [0, 1m) closed
    expect(agg.drain().closed.map((b) => `${b.interval}@${b.windowStart - T0}`)).toEqual([
      '1m@0',
      '3m_1m@-120000',
    ]);
    const snapshot = agg.snapshot();
    expect(snapshot.basePanes.map((p) => p[0])).toEqual([(T0 + 2 * MIN) / MIN]);
    expect(snapshot.intervals.map((i) => i.panes.map((p) => p[0]))).toEqual([[], [T0 / MIN]]);
  });

  it('restores a version-1 snapshot (interval panes only) and closes the same bars', () => {
    const whole = aggregator(['1m', '3m_1m'], MIN);
    for (const t of [tick(0, 10, 1), tick(30_000, 12, 2), tick(2 * MIN + 30_000, 11, 1)]) whole.apply(t);
    whole.drain();
    // What the aggregator stored before base panes existed: each interval's panes of open windows.
    const fields = (
      count: number,
      volume: number,
      pv: number,
      high: number,
      low: number,
      o: [number, number],
      c: [number, number],
    ) => [count, volume, pv, high, low, T0 + o[0], o[1], T0 + c[0], c[1]];
    const v1: SymbolSnapshot = {
      v: 1,
      symbol: 'BTC',
      maxTs: T0 + 2 * MIN + 30_000,
      watermark: T0 + MIN + 30_000,
      lastArrivalMs: null,
      dedup: [],
      intervals: [
        {
          label: '1m',
          panes: [[(T0 + 2 * MIN) / MIN, ...fields(1, 1, 11, 11, 11, [150_000, 11], [150_000, 11])]],
        },
        {
          label: '3m_1m',
          panes: [
            [T0 / MIN, ...fields(2, 3, 34, 12, 10, [0, 10], [30_000, 12])],
            [(T0 + 2 * MIN) / MIN, ...fields(1, 1, 11, 11, 11, [150_000, 11], [150_000, 11])],
          ],
        },
      ],
    };
    const restored = SymbolAggregator.restore(whole.config, v1);
    for (const agg of [whole, restored]) {
      agg.apply(tick(2 * MIN + 40_000, 9, 1));
      agg.apply(tick(5 * MIN, 14, 1));
      agg.flush();
    }
    expect(restored.drain()).toEqual(whole.drain());
  });

  it('restores a version-2 snapshot, whose trade ids were inline, with the ids given beside it', () => {
    const agg = aggregator(['1m'], MIN, MIN);
    agg.apply(tick(0, 10, 1, 'a'));
    agg.apply(tick(10_000, 10, 1, 'b'));
    agg.drain();
    const { v: _v, ...rest } = agg.snapshot();
    const v2: SymbolSnapshot = { ...rest, v: 2, dedup: [['a', T0]] };
    const restored = SymbolAggregator.restore(agg.config, v2, [['b', T0 + 10_000]]);
    expect(restored.seenIds()).toEqual(agg.seenIds());
    restored.apply(tick(20_000, 10, 1, 'a'));
    restored.apply(tick(20_000, 10, 1, 'b'));
    expect(restored.drain().duplicates).toBe(2);
  });

  it('refuses a snapshot whose intervals differ from the configuration', () => {
    const agg = aggregator(['1m']);
    const other = aggregatorConfig({ intervals: parseIntervals(['5m']) });
    expect(() => SymbolAggregator.restore(other, agg.snapshot())).toThrow(InvalidSnapshotError);
  });
});

describe('SymbolAggregator: misuse', () => {
  it('refuses a tick of another symbol', () => {
    expect(() => aggregator(['1m']).apply({ symbol: 'ETH', ts: T0, price: 1, size: 1 })).toThrow(
      SymbolMismatchError,
    );
  });

  it('refuses to snapshot while outputs wait to be drained', () => {
    const agg = aggregator(['1m'], 0);
    agg.apply(tick(0));
    agg.apply(tick(MIN));
    expect(() => agg.snapshot()).toThrow(PendingOutputsError);
    agg.drain();
    expect(agg.snapshot().v).toBe(3);
  });

  it('rejects a negative lateness', () => {
    expect(() => aggregatorConfig({ allowedLatenessMs: -1 })).toThrow(
      'allowedLatenessMs must be an integer ≥ 0',
    );
  });
});
