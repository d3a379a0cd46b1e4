/**
 * The data-quality panel: the run's accounting identity checked against the lake (ticks in = valid +
 * quarantined; per tumbling interval, valid = ticks in bars + late + duplicates), late ticks per
 * interval over time, and quarantined records grouped by reason.
 */

import { isSliding, parseInterval } from '../domain/intervals.js';
import type {
  AccountingLine,
  LateBucket,
  LateCount,
  QualityPanel,
  QuarantineGroup,
  RunCounts,
  SeriesStats,
} from './types.js';

/** Bucket widths for the late-over-time chart, in seconds; the smallest that gives ≤ 120 buckets wins. */
const LATE_BUCKETS_S = [60, 300, 900, 3_600, 14_400, 86_400, 604_800];
const MAX_LATE_BUCKETS = 120;

export function qualityPanel(
  stats: readonly SeriesStats[],
  lateTotals: readonly LateCount[],
  lateBuckets: readonly LateBucket[],
  quarantine: readonly QuarantineGroup[],
  run: RunCounts | undefined,
  wholeLake: boolean,
): QualityPanel {
  return {
    accounting: run ? accountingLines(run, stats, wholeLake) : null,
    duplicates: run ? run.duplicates : null,
    lateTotal: lateTotals.reduce((n, m) => n + m.ticks, 0),
    lateOverTime: lateOverTime(lateBuckets),
    quarantine: {
      total: quarantine.reduce((n, q) => n + q.records, 0),
      groups: groupReasons(quarantine),
    },
  };
}

/**
 * The identity of docs/stream-contract.md ("Accounting"), each line with its numbers and whether it
 * holds. Ticks in bars are Σ trade_count of the lake's bars: only meaningful for tumbling intervals
 * (a sliding window counts a tick in several bars) and when the report read every symbol.
 */
export function accountingLines(
  run: RunCounts,
  stats: readonly SeriesStats[],
  wholeLake: boolean,
): AccountingLine[] {
  const lines: AccountingLine[] = [
    {
      label: 'ticks in',
      text: `${fmt(run.rows)} = ${fmt(run.valid)} valid + ${fmt(run.quarantined)} quarantined`,
      holds: run.rows === run.valid + run.quarantined,
    },
  ];
  const intervals = [...new Set([...Object.keys(run.bars), ...Object.keys(run.late)])];
  for (const interval of sortIntervals(intervals)) {
    const inLake = stats.filter((s) => s.interval === interval);
    const lakeBars = inLake.reduce((n, s) => n + s.bars, 0);
    const inBars = inLake.reduce((n, s) => n + s.trades, 0);
    const late = run.late[interval] ?? 0;
    const summaryBars = run.bars[interval] ?? 0;
    if (!wholeLake) {
      lines.push({ label: interval, text: 'not checked: the report covers some symbols only', holds: null });
      continue;
    }
    lines.push({
      label: `${interval} bars`,
      text: `${fmt(lakeBars)} in the lake, ${fmt(summaryBars)} final bars in the run summary`,
      holds: lakeBars === summaryBars,
    });
    lines.push(
      isSliding(parseInterval(interval))
        ? {
            label: `${interval} ticks`,
            text: `sliding windows count a tick in several bars; ${fmt(late)} late`,
            holds: null,
          }
        : {
            label: `${interval} ticks`,
            text: `${fmt(run.valid)} valid = ${fmt(inBars)} in bars + ${fmt(late)} late + ${fmt(run.duplicates)} duplicates`,
            holds: run.valid === inBars + late + run.duplicates,
          },
    );
  }
  if (run.discarded && run.discarded.records > 0) {
    lines.push({
      label: 'data lost',
      text: `${fmt(run.discarded.records)} records holding ${fmt(run.discarded.ticks)} ticks went to the on-failure destination`,
      holds: false,
    });
  }
  return lines;
}

/**
 * The unit the SQL truncates late ticks' times to: the coarsest that the chart's buckets can still be
 * made of, so a long lake returns a few thousand rows, not one per minute.
 */
export function lateTruncUnit(firstMs: number, lastMs: number): 'minute' | 'hour' | 'day' {
  const bucket = lateBucketSeconds((lastMs - firstMs) / 1000);
  return bucket % 86_400 === 0 ? 'day' : bucket % 3_600 === 0 ? 'hour' : 'minute';
}

/** The smallest bucket width (seconds) that gives the chart at most 120 buckets over `spanSeconds`. */
function lateBucketSeconds(spanSeconds: number): number {
  return LATE_BUCKETS_S.find((b) => spanSeconds / b < MAX_LATE_BUCKETS) ?? LATE_BUCKETS_S.at(-1)!;
}

/** Late ticks per interval in buckets of a width chosen so the chart has at most 120 of them. */
export function lateOverTime(late: readonly LateBucket[]): QualityPanel['lateOverTime'] {
  if (late.length === 0) return { bucketSeconds: 60, series: [] };
  const starts = late.map((m) => m.t / 1000);
  const bucketSeconds = lateBucketSeconds(Math.max(...starts) - Math.min(...starts));
  const byInterval = new Map<string, Map<number, number>>();
  for (const m of late) {
    const t = Math.floor(m.t / 1000 / bucketSeconds) * bucketSeconds;
    const buckets = byInterval.get(m.interval) ?? new Map<number, number>();
    buckets.set(t, (buckets.get(t) ?? 0) + m.ticks);
    byInterval.set(m.interval, buckets);
  }
  const series = sortIntervals([...byInterval.keys()]).map((interval) => {
    const buckets = [...byInterval.get(interval)!].sort((a, b) => a[0] - b[0]);
    return { interval, t: buckets.map(([t]) => t), n: buckets.map(([, n]) => n) };
  });
  return { bucketSeconds, series };
}

/**
 * Quarantine groups with long numbers in their reason replaced by `N` (a reason quotes the bad
 * timestamp or count) and merged, largest first.
 */
export function groupReasons(groups: readonly QuarantineGroup[]): QuarantineGroup[] {
  const merged = new Map<string, QuarantineGroup>();
  for (const g of groups) {
    const reason = g.reason.replace(/\d{4,}/g, 'N');
    const key = `${reason}\u0000${g.field ?? ''}`;
    const prev = merged.get(key);
    merged.set(key, { reason, field: g.field, records: (prev?.records ?? 0) + g.records });
  }
  return [...merged.values()].sort((a, b) => b.records - a.records || a.reason.localeCompare(b.reason));
}

/** Interval labels from the finest to the coarsest (tumbling before sliding of the same size). */
export function sortIntervals(labels: readonly string[]): string[] {
  const spec = (label: string) => {
    try {
      return parseInterval(label);
    } catch {
      return { sizeMs: Number.MAX_SAFE_INTEGER, slideMs: Number.MAX_SAFE_INTEGER };
    }
  };
  return [...labels].sort((a, b) => {
    const x = spec(a);
    const y = spec(b);
    return x.sizeMs - y.sizeMs || y.slideMs - x.slideMs || a.localeCompare(b);
  });
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
