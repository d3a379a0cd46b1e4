import { randomUUID } from 'node:crypto';
import { UnwritableSnapshotError } from '../domain/errors.js';
import type { SeenIds } from '../domain/index.js';
import type { LastTick } from '../domain/market-alerts/index.js';
import { DEFAULT_EVENT_TIME_RANGE, type EventTimeRange, futureSkewReason } from '../domain/tick-bounds.js';
import type { Bar, TickOrigin } from '../domain/types.js';
import type { WatermarkMark } from '../domain/watermark-mark.js';
import { applyItems, withOrigins } from './apply-items.js';
import { runLimited } from './concurrency.js';
import type { EngineFactory, SymbolEngine } from './ports.js';
import {
  type LateEntry,
  type OutputStore,
  type QuarantineEntry,
  type ServingSink,
  StateConflictError,
  type StateStore,
  type StoredSymbolState,
  type SymbolCounters,
  type SymbolItem,
} from './ports.js';
import { type DecodedRecord, forEachCandidate, type RecordId, rawText } from './record-decoder.js';
import { compareSequenceNumbers } from './sequence.js';
import { quarantineForUnusableState, type UnusableState } from './unusable-state.js';

/** Counts of one batch or flush; published as metrics and summed by the local run. */
export interface BatchReport {
  records: number;
  valid: number;
  quarantined: number;
  duplicates: number;
  /** Records skipped because their sequence number was already applied (redelivery). */
  replayedRecords: number;
  late: Record<string, number>;
  bars: Record<string, number>;
  stateWrites: number;
  stateConflicts: number;
  failedSymbols: string[];
  /** Symbols whose state could not be used; their ticks of the batch were quarantined (see `UnusableState`). */
  unusableStates: UnusableState[];
  /** Largest processing-time minus watermark over the symbols touched, ms (0 when none). */
  watermarkLagMs: number;
  durationMs: number;
}

export interface AggregationServiceOptions {
  readonly state: StateStore;
  readonly outputs: OutputStore;
  readonly serving?: ServingSink;
  readonly engine: EngineFactory;
  readonly now?: () => number;
  /** How often a symbol is re-read and re-applied after losing a commit race. @default 5 */
  readonly maxConflictRetries?: number;
  /** Symbols settled concurrently within one batch. @default 8 */
  readonly symbolConcurrency?: number;
  /** Processing time a symbol may stay quiet before the idle flush advances its watermark. */
  readonly idleTimeoutMs?: number;
  /** Told about a symbol left for retry (its records are reported as batch item failures). */
  readonly onSymbolError?: (symbol: string, err: unknown) => void;
  /**
   * Processing time between two forming-bar upserts of one symbol and interval to the serving
   * store (final bars are always written). @default 0 (every batch)
   */
  readonly formingUpsertPeriodMs?: number;
  /** Told about a symbol whose state could not be used (the report lists it too): log it loudly. */
  readonly onUnusableState?: (state: UnusableState) => void;
  /** Event times a tick may carry; the engine's configuration holds the same range. @default [2000, 2100) */
  readonly eventTimeRange?: EventTimeRange;
  /**
   * Live mode: quarantine ticks stamped more than this far ahead of their record's arrival time.
   * Off when absent (replays of historical data must not depend on when they run).
   */
  readonly maxFutureSkewMs?: number;
}

type SettleMode = { kind: 'batch' } | { kind: 'flush' };

/**
 * Applies Kinesis batches to per-symbol state with exactly-once effect:
 * per symbol, the state is read with its version and last applied sequence number per shard; records
 * at or below it are skipped (redelivery); the rest are applied; closed bars, late ticks and the
 * serving store are written (idempotently, keyed by identity) before the state commit, which is
 * conditional on the version. A crash between any two writes is repaired by the retry; a zombie
 * instance loses the conditional commit and re-applies on fresh state. That holds because what a
 * batch writes is a pure function of the state and the records: the idle flush, which depends on
 * processing time, does not close windows itself but puts a watermark mark into the stream
 * (`idleWatermarks`), which every instance then applies in the same place among the ticks.
 *
 * An instance keeps the engines it committed (a Lambda container keeps them across batches): when
 * the head it reads is still its own commit, it goes on from memory and reads neither the snapshot
 * nor the symbol's seen-id log again; otherwise it restores from both.
 */
export class AggregationService {
  private readonly now: () => number;
  /** Engines as this instance committed them, by symbol. */
  private readonly engines = new Map<string, { readonly commitId: string; readonly engine: SymbolEngine }>();
  /** Processing time of the last forming-bar upsert per symbol and interval. */
  private readonly formingUpserts = new Map<string, number>();

  constructor(private readonly opts: AggregationServiceOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Processes one batch. Returns the records that must be retried (for ReportBatchItemFailures: the
   * first record of each symbol that failed) and the batch report. Throws only when the whole batch must be retried.
   */
  async processBatch(
    records: readonly DecodedRecord[],
  ): Promise<{ failed: RecordId[]; report: BatchReport }> {
    const started = this.now();
    const report = emptyReport(records.length);
    const bySymbol = new Map<string, SymbolItem[]>();
    const add = (symbol: string, item: SymbolItem) => {
      const list = bySymbol.get(symbol);
      if (list) list.push(item);
      else bySymbol.set(symbol, [item]);
    };
    const quarantine: QuarantineEntry[] = [];

    const range = this.opts.eventTimeRange ?? DEFAULT_EVENT_TIME_RANGE;
    const skew = this.opts.maxFutureSkewMs;
    forEachCandidate(records, range, (c, source) => {
      if ('mark' in c) {
        // A mark ahead of the clock is dropped: it is no tick, and the next idle flush sends another.
        const ahead =
          skew === undefined ? null : futureSkewReason(c.mark.watermark, c.origin.arrivalTime, skew);
        if (ahead === null) add(c.mark.symbol, c);
      } else if ('tick' in c) {
        const ahead = skew === undefined ? null : futureSkewReason(c.tick.ts, c.origin.arrivalTime, skew);
        if (ahead === null) add(c.tick.symbol, c);
        else quarantine.push({ raw: rawText(source), reason: ahead, field: 'ts', origin: c.origin });
      } else {
        quarantine.push(c);
      }
    });

    // Quarantine is keyed by record identity, so rewriting it on a retry is harmless.
    if (quarantine.length > 0) await this.opts.outputs.put({ quarantine });
    report.quarantined = quarantine.length;

    const symbols = [...bySymbol.keys()];
    const preloaded = await this.opts.state.load(symbols);
    const failed: RecordId[] = [];
    await runLimited(symbols, this.opts.symbolConcurrency ?? 8, async (symbol) => {
      const ticks = bySymbol.get(symbol)!;
      try {
        await this.settle(symbol, ticks, { kind: 'batch' }, report, preloaded.get(symbol));
      } catch (err) {
        report.failedSymbols.push(symbol);
        const { shardId, sequenceNumber } = ticks[0]!.origin;
        failed.push({ shardId, sequenceNumber });
        this.opts.onSymbolError?.(symbol, err);
      }
    });
    report.durationMs = this.now() - started;
    return { failed, report };
  }

  /** Closes every open window of every symbol (the end of a replay). */
  flushAll(): Promise<BatchReport> {
    return this.settleAll({ kind: 'flush' });
  }

  /**
   * The idle flush (live mode): the watermark marks that would close the bars of symbols quiet for
   * the idle timeout, for the caller to put on the stream (partition key = symbol). Nothing is
   * written here; the marks take effect when the aggregator reads them back in stream order.
   */
  async idleWatermarks(idleTimeoutMs = this.opts.idleTimeoutMs ?? 60_000): Promise<WatermarkMark[]> {
    return (await this.scanHeads(idleTimeoutMs)).marks;
  }

  /**
   * One scan of every symbol's head for the scheduled round: the idle flush's marks
   * (`idleWatermarks`), and each symbol's newest tick in event time, from which the market watch
   * judges feeds that stay quiet (`detectQuietFeeds`) at no extra read.
   */
  async scanHeads(
    idleTimeoutMs = this.opts.idleTimeoutMs ?? 60_000,
  ): Promise<{ marks: WatermarkMark[]; lastTicks: LastTick[] }> {
    const now = this.now();
    const marks: WatermarkMark[] = [];
    const lastTicks: LastTick[] = [];
    for (const s of await this.opts.state.scan()) {
      const idle = !s.flushed && now - s.lastActivity >= idleTimeoutMs;
      // Trade ids play no part in the watermark or the newest tick: the head alone answers.
      let engine: SymbolEngine;
      try {
        engine = this.opts.engine.restore(s.snapshot, []);
      } catch (err) {
        // One unreadable state must not stop the idle flush of every other symbol.
        if (idle)
          this.opts.onUnusableState?.(quarantineForUnusableState(s.symbol, s, 'unreadable', err, []).state);
        continue;
      }
      if (engine.maxTs !== null) lastTicks.push({ symbol: s.symbol, ts: engine.maxTs });
      const watermark = idle ? engine.idleWatermark(now, idleTimeoutMs) : null;
      if (watermark !== null) marks.push({ symbol: s.symbol, watermark });
    }
    return { marks, lastTicks };
  }

  private async settleAll(mode: SettleMode): Promise<BatchReport> {
    const started = this.now();
    const report = emptyReport(0);
    const states = await this.opts.state.scan();
    const candidates = states.filter((s) => !s.flushed);
    let firstError: unknown;
    await runLimited(candidates, this.opts.symbolConcurrency ?? 8, async (s) => {
      try {
        await this.settle(s.symbol, [], mode, report, s);
      } catch (err) {
        report.failedSymbols.push(s.symbol);
        firstError ??= err;
      }
    });
    report.durationMs = this.now() - started;
    if (firstError !== undefined) throw firstError;
    return report;
  }

  /** Applies one symbol's ticks (or a flush) and commits, re-reading state after a lost race. */
  private async settle(
    symbol: string,
    ticks: readonly SymbolItem[],
    mode: SettleMode,
    report: BatchReport,
    preloaded: StoredSymbolState | undefined,
  ): Promise<void> {
    const maxRetries = this.opts.maxConflictRetries ?? 5;
    let stored = preloaded;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.settleOnce(symbol, ticks, mode, report, stored);
        return;
      } catch (err) {
        if (!(err instanceof StateConflictError) || attempt >= maxRetries) throw err;
        report.stateConflicts++;
        stored = (await this.opts.state.load([symbol])).get(symbol);
      }
    }
  }

  private async settleOnce(
    symbol: string,
    ticks: readonly SymbolItem[],
    mode: SettleMode,
    report: BatchReport,
    stored: StoredSymbolState | undefined,
  ): Promise<void> {
    const now = this.now();
    const fresh = stored ? notApplied(ticks, stored.applied) : ticks;
    if (mode.kind === 'batch') {
      report.replayedRecords += countRecords(ticks) - countRecords(fresh);
      if (fresh.length === 0) return;
    }

    const engine = await this.engineFor(symbol, stored);
    if (engine instanceof Error) return this.setAside(symbol, stored, 'unreadable', engine, fresh, report);
    const applied = applyItems(engine, fresh, now);
    const seenIdsFrom = engine.seenIdsFrom;
    // A head without a log yet may come from a state that kept its ids inline: log them all once.
    const newIds = stored?.seenIdsTip === undefined ? engine.seenIds() : sightings(fresh, seenIdsFrom);
    if (mode.kind === 'flush') engine.flush();

    const out = engine.drain();
    const late = withOrigins(symbol, out.late, fresh);

    // Taken before any write: a state that could not be read back is never written, nor are its outputs.
    let snapshot: unknown;
    try {
      snapshot = engine.snapshot();
    } catch (err) {
      if (!(err instanceof UnwritableSnapshotError)) throw err;
      return this.setAside(symbol, stored, 'unwritable', err, fresh, report);
    }

    // Sinks first, every write idempotent; the state commit last.
    if (out.closed.length > 0 || late.length > 0) await this.opts.outputs.put({ bars: out.closed, late });
    if (this.opts.serving) {
      await this.opts.serving.upsertBars(out.closed, true);
      if (mode.kind === 'batch') await this.upsertForming(symbol, engine, now);
    }

    const counters = addCounters(stored?.counters, applied, out.duplicates, out.closed, late);
    const appliedThrough = { ...(stored?.applied ?? {}) };
    const last = fresh.at(-1)?.origin;
    if (last) appliedThrough[last.shardId] = last.sequenceNumber;
    const commitId = randomUUID();
    await this.opts.state.commit(
      {
        symbol,
        version: (stored?.version ?? 0) + 1,
        applied: appliedThrough,
        snapshot,
        counters,
        // A mark is not activity: the symbol stays quiet, and later marks may close more windows.
        lastActivity: applied > 0 ? now : (stored?.lastActivity ?? now),
        flushed: mode.kind === 'flush' || (stored?.flushed === true && applied === 0),
        seenIdsFrom,
        seenIdsTip: stored?.seenIdsTip,
        commitId,
      },
      newIds,
    );
    this.engines.set(symbol, { commitId, engine });

    report.stateWrites++;
    report.valid += applied;
    report.duplicates += out.duplicates;
    for (const b of out.closed) report.bars[b.interval] = (report.bars[b.interval] ?? 0) + 1;
    for (const l of late) report.late[l.interval] = (report.late[l.interval] ?? 0) + 1;
    const wm = engine.watermark;
    if (wm !== null) report.watermarkLagMs = Math.max(report.watermarkLagMs, now - wm);
  }

  /**
   * The symbol's engine at the stored head: the one this instance committed when the head is still
   * its commit, else restored from the snapshot and the seen-id log; the restore's error when the
   * stored state cannot be restored. Taken out of the cache: it is put back only once the commit
   * that follows has succeeded.
   */
  private async engineFor(
    symbol: string,
    stored: StoredSymbolState | undefined,
  ): Promise<SymbolEngine | Error> {
    const cached = this.engines.get(symbol);
    this.engines.delete(symbol);
    if (!stored) return this.opts.engine.create(symbol);
    if (cached && stored.commitId !== undefined && cached.commitId === stored.commitId) return cached.engine;
    // A failed read is retried with the batch; only a state that cannot be restored is set aside.
    const seenIds = await this.opts.state.loadSeenIds(stored);
    try {
      return this.opts.engine.restore(stored.snapshot, seenIds);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** The newest forming bar per interval, each at most once per `formingUpsertPeriodMs` of processing time. */
  private async upsertForming(symbol: string, engine: SymbolEngine, now: number): Promise<void> {
    const period = this.opts.formingUpsertPeriodMs ?? 0;
    const due = newestPerInterval(engine.forming()).filter(
      (bar) =>
        now - (this.formingUpserts.get(`${symbol} ${bar.interval}`) ?? Number.NEGATIVE_INFINITY) >= period,
    );
    if (due.length === 0) return;
    await this.opts.serving!.upsertBars(due, false);
    for (const bar of due) this.formingUpserts.set(`${symbol} ${bar.interval}`, now);
  }

  /**
   * A symbol whose state cannot be used: its not-yet-applied ticks go to quarantine with a reason
   * naming the state, the stored item stays untouched, and the batch goes on. A redelivery
   * quarantines the same ticks under the same keys, so nothing is counted twice or retried forever.
   */
  private async setAside(
    symbol: string,
    stored: StoredSymbolState | undefined,
    problem: UnusableState['problem'],
    cause: unknown,
    fresh: readonly SymbolItem[],
    report: BatchReport,
  ): Promise<void> {
    const { state, quarantine } = quarantineForUnusableState(symbol, stored, problem, cause, fresh);
    if (quarantine.length > 0) await this.opts.outputs.put({ quarantine });
    report.quarantined += quarantine.length;
    report.unusableStates.push(state);
    this.opts.onUnusableState?.(state);
  }
}

/**
 * The `[id, ts]` sightings of the ticks applied, left out those already outside the horizon: what a
 * commit appends to the symbol's seen-id log.
 */
function sightings(items: readonly SymbolItem[], from: number | null): SeenIds {
  const out: [string, number][] = [];
  if (from === null) return out;
  for (const item of items) {
    if ('tick' in item && item.tick.id !== undefined && item.tick.ts >= from)
      out.push([item.tick.id, item.tick.ts]);
  }
  return out;
}

/**
 * The items after the last applied sequence number of their shard. Sequence numbers grow along a
 * shard and items keep stream order, so once one item of a shard is new, the rest of that shard's
 * are too: one comparison of 56-digit strings per shard rather than one per tick, which showed
 * high in profiles of the handler benchmark.
 */
function notApplied(items: readonly SymbolItem[], applied: Readonly<Record<string, string>>): SymbolItem[] {
  const freshShards = new Set<string>();
  return items.filter((item) => {
    const { shardId } = item.origin;
    if (freshShards.has(shardId)) return true;
    if (!isAfter(item.origin, applied)) return false;
    freshShards.add(shardId);
    return true;
  });
}

function isAfter(origin: TickOrigin, applied: Readonly<Record<string, string>>): boolean {
  const last = applied[origin.shardId];
  return last === undefined || compareSequenceNumbers(origin.sequenceNumber, last) > 0;
}

function countRecords(ticks: readonly SymbolItem[]): number {
  let n = 0;
  let prev: string | undefined;
  for (const t of ticks) {
    if (t.origin.sequenceNumber !== prev) n++;
    prev = t.origin.sequenceNumber;
  }
  return n;
}

/** The forming bar of the newest open window per interval: the one the serving store shows as "now". */
function newestPerInterval(forming: readonly Bar[]): Bar[] {
  const newest = new Map<string, Bar>();
  for (const b of forming) {
    const cur = newest.get(b.interval);
    if (!cur || b.windowStart > cur.windowStart) newest.set(b.interval, b);
  }
  return [...newest.values()];
}

function addCounters(
  prev: SymbolCounters | undefined,
  valid: number,
  duplicates: number,
  closed: readonly Bar[],
  late: readonly LateEntry[],
): SymbolCounters {
  const c: SymbolCounters = {
    valid: (prev?.valid ?? 0) + valid,
    duplicates: (prev?.duplicates ?? 0) + duplicates,
    late: { ...(prev?.late ?? {}) },
    bars: { ...(prev?.bars ?? {}) },
  };
  for (const b of closed) c.bars[b.interval] = (c.bars[b.interval] ?? 0) + 1;
  for (const l of late) c.late[l.interval] = (c.late[l.interval] ?? 0) + 1;
  return c;
}

export function emptyReport(records: number): BatchReport {
  return {
    records,
    valid: 0,
    quarantined: 0,
    duplicates: 0,
    replayedRecords: 0,
    late: {},
    bars: {},
    stateWrites: 0,
    stateConflicts: 0,
    failedSymbols: [],
    unusableStates: [],
    watermarkLagMs: 0,
    durationMs: 0,
  };
}
