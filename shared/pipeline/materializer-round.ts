import type { LastTick } from '../domain/market-alerts/index.js';
import type { WatermarkMark } from '../domain/watermark-mark.js';
import type { AggregationService } from './aggregation-service.js';
import { type LakeMaterializer, markerDates } from './lake-materializer.js';

export interface MaterializerRoundDeps {
  readonly service: Pick<AggregationService, 'scanHeads'>;
  readonly materializer: Pick<LakeMaterializer, 'materialize' | 'materializeAgainNextRound'>;
  /** Puts the marks on the tick stream (each in its symbol's shard). */
  readonly publishMarks: (marks: readonly WatermarkMark[]) => Promise<unknown>;
  readonly idleTimeoutMs: number;
  /** Told how many marks were put, before the lake part runs (the deployed function's metric). */
  readonly onIdleWatermarks?: (count: number) => void;
  /**
   * The market watch over the partitions the round rewrote and every symbol's newest tick, read in the
   * same scan of the heads as the idle flush (`MarketWatch.watch`); returns the alerts it found.
   * @default no market watch
   */
  readonly watchMarket?: (
    rewrittenKeys: readonly string[],
    lastTicks: readonly LastTick[],
  ) => Promise<readonly unknown[]>;
}

export interface MaterializerRoundReport {
  readonly idleWatermarks: number;
  readonly partitions: number;
  readonly rows: number;
  /**
   * Market alerts found in the rewritten partitions and quiet feeds still silent (each sent once,
   * however many rounds find it).
   */
  readonly marketAlerts: number;
}

/**
 * One round of the scheduled materializer, in AWS every `materializerMinutes` and in the local run's live mode.
 * The idle flush: symbols quiet for the idle timeout get a watermark mark on the tick stream
 * (processing time made part of the stream, so the aggregator closes their bars exactly once whatever
 * instance runs). Then the lake: the partitions that changed since the previous round are rewritten.
 * Then the market watch, over those partitions and, from the heads the idle flush read, every feed
 * that has gone quiet.
 */
export async function materializerRound(
  deps: MaterializerRoundDeps,
  now: number = Date.now(),
): Promise<MaterializerRoundReport> {
  const { marks, lastTicks } = await deps.service.scanHeads(deps.idleTimeoutMs);
  if (marks.length > 0) await deps.publishMarks(marks);
  deps.onIdleWatermarks?.(marks.length);
  const lake = await deps.materializer.materialize(markerDates(now));
  // After the lake. A failed scan or publish fails the run (MaterializerErrors) and marks the partitions
  // dirty again, so the next round rewrites and scans them again: an alert that could not be sent is
  // retried, never dropped (those already sent are skipped by their record).
  let alerts: readonly unknown[] = [];
  if (deps.watchMarket) {
    try {
      alerts = await deps.watchMarket(lake.files, lastTicks);
    } catch (err) {
      await deps.materializer.materializeAgainNextRound(lake.files);
      throw err;
    }
  }
  return {
    idleWatermarks: marks.length,
    partitions: lake.partitions,
    rows: lake.rows,
    marketAlerts: alerts.length,
  };
}
