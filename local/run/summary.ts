import type { TickflowConfig } from '../../infra/config.js';
import { alwaysOnInventory, type LambdaSizing } from '../../infra/cost-inventory.js';
import type { PublishStats } from '../../shared/adapters/kinesis-publisher.js';
import { type CostSection, costOfRun, onKafka, shardHours, type Usage } from '../../shared/cost/index.js';
import type { StoredSymbolState } from '../../shared/pipeline/ports.js';
import type { EventSourceMappingStats } from '../esm-runner.js';
import type { RunAlerts } from './alerts.js';
import type { CompactionTotals } from './compaction.js';
import { formatCost } from './cost-format.js';
import type { DiscardedRecords } from './discarded.js';
import type { RunExport } from './export-lake.js';

/** What `tickflow local run` writes to `DIR/summary.json` and prints at the end. */
export interface RunSummary {
  readonly mode: 'simulate' | 'replay' | 'feed';
  readonly source: string;
  /** Ticks in: every tick of every record (valid + quarantined). */
  readonly rows: number;
  readonly valid: number;
  readonly quarantined: number;
  readonly duplicates: number;
  /** Valid ticks that missed every window of an interval, per interval label. */
  readonly late: Record<string, number>;
  /** Final bars per interval label. */
  readonly bars: Record<string, number>;
  readonly symbols: number;
  readonly records: { readonly produced: number; readonly toDestination: number };
  /** Records given up on after their retries (the on-failure destination), and the ticks they held. */
  readonly discarded: DiscardedRecords;
  readonly lake: { readonly dir: string; readonly files: number; readonly barRows: Record<string, number> };
  /** The bronze layer after the stream: the lake's `ticks/` files as a reader sees them. */
  readonly bronze: BronzeSummary;
  /** Market alerts raised from the closed bars (docs/market-alerts.md), written to `alerts.jsonl`. */
  readonly alerts: RunAlerts;
  readonly eventSourceMapping: {
    invocations: number;
    retries: number;
    partialFailures: number;
    bisections: number;
  };
  readonly chaos: {
    probability: number;
    injectedBefore: number;
    injectedAfter: number;
    stateConflicts: number;
  };
  readonly serving?: { readonly kind: 'cassandra'; readonly exported: string; readonly rows: number };
  readonly durationsMs: Record<string, number>;
  /** Valid ticks per second of the stream phase (produce + aggregate, wall time). */
  readonly ticksPerSecond: number;
  /** Billable units the run's requests consumed, priced (README "Cost"). */
  readonly cost: CostSection;
}

/** The bronze layer counted from the lake's compacted files, whatever compaction run wrote them. */
export interface BronzeSummary {
  /** Distinct raw ticks (by stream identity) in every part of every hourly file under `ticks/`. */
  readonly ticks: number;
  /** Their rows: above `ticks` only if a tick were stored twice. */
  readonly rows: number;
  /** Parquet files under `ticks/` (parts of busy hours counted apart). */
  readonly files: number;
  /** Valid ticks in no bronze file: the aggregator applied more ticks than bronze holds. */
  readonly missing: number;
  /** Compactor runs: scheduled ones during the stream (`compactEveryMs`) and the one after it. */
  readonly compactions: number;
  /** Staged rows the runs dropped as already compacted or staged twice (redeliveries). */
  readonly duplicatesDropped: number;
  /** What the last run left staged: objects it could not read, objects over its per-run limit. */
  readonly leftStaged: { readonly unreadable: number; readonly remaining: number };
}

/** Exact counts from the committed per-symbol counters (not from batch reports, which retries repeat). */
export function countsFromStates(states: readonly StoredSymbolState[]): {
  valid: number;
  duplicates: number;
  late: Record<string, number>;
  bars: Record<string, number>;
} {
  const out = {
    valid: 0,
    duplicates: 0,
    late: {} as Record<string, number>,
    bars: {} as Record<string, number>,
  };
  for (const s of states) {
    out.valid += s.counters.valid;
    out.duplicates += s.counters.duplicates;
    for (const [k, v] of Object.entries(s.counters.late)) out.late[k] = (out.late[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.counters.bars)) out.bars[k] = (out.bars[k] ?? 0) + v;
  }
  return out;
}

/** What a run measured, gathered by `runLocalPipeline` for {@link buildSummary}. */
export interface RunFacts {
  readonly mode: RunSummary['mode'];
  readonly source: string;
  readonly states: readonly StoredSymbolState[];
  readonly exported: RunExport;
  readonly published: Readonly<PublishStats>;
  readonly recordsToDestination: number;
  /** The aggregator's event source mapping. */
  readonly eventSourceMapping: Readonly<EventSourceMappingStats>;
  readonly discarded: Omit<DiscardedRecords, 'ticksNotAggregated'>;
  readonly compaction: CompactionTotals;
  readonly alerts: RunAlerts;
  readonly chaos: RunSummary['chaos'];
  /** Wall time per phase, ms, with `stream` and `total`. */
  readonly durations: Readonly<Record<string, number>>;
  /** Usage metered by the pipeline's requests (the export excluded). */
  readonly usage: Usage;
  /** Kinesis shards billed for the run's wall time (0 on Kafka). */
  readonly shards: number;
  /** The stream the run read: on Kafka the idle inventory has the user's cluster, not a Kinesis stream. */
  readonly stream: 'kinesis' | 'kafka';
  readonly sizing: LambdaSizing;
  readonly deployConfig: TickflowConfig;
  readonly producer?: unknown;
}

/** The run's summary: exact counts from the committed state and the exported lake, and its cost. */
export function buildSummary(f: RunFacts): RunSummary {
  const counts = countsFromStates(f.states);
  const lakeCounts = f.exported.counts;
  const rows = counts.valid + lakeCounts.quarantined;
  const ticksPerSecond = counts.valid / Math.max(f.durations.stream! / 1000, 1e-3);
  const usage = { ...f.usage, 'kinesis.shardHours': shardHours(f.shards, f.durations.total!) };
  return {
    mode: f.mode,
    source: f.source,
    rows,
    valid: counts.valid,
    quarantined: lakeCounts.quarantined,
    duplicates: counts.duplicates,
    late: counts.late,
    bars: counts.bars,
    symbols: f.states.length,
    records: { produced: f.published.records, toDestination: f.recordsToDestination },
    discarded: { ...f.discarded, ticksNotAggregated: Math.max(0, f.published.ticks - rows) },
    bronze: bronzeSummary(lakeCounts.bronze, counts.valid, f.compaction),
    alerts: f.alerts,
    lake: { dir: f.exported.lakeDir, files: f.exported.files.length, barRows: lakeCounts.barRows },
    eventSourceMapping: {
      invocations: f.eventSourceMapping.invocations,
      retries: f.eventSourceMapping.retries,
      partialFailures: f.eventSourceMapping.partialFailures,
      bisections: f.eventSourceMapping.bisections,
    },
    chaos: f.chaos,
    serving: f.exported.serving,
    durationsMs: Object.fromEntries(Object.entries(f.durations).map(([k, v]) => [k, Math.round(v)])),
    ticksPerSecond,
    cost: costOfRun(
      usage,
      { ticks: rows, symbols: f.states.length, ticksPerSecond, architecture: f.sizing.architecture },
      f.stream === 'kafka' ? onKafka(alwaysOnInventory(f.deployConfig)) : alwaysOnInventory(f.deployConfig),
    ),
    ...(f.producer !== undefined ? { producer: f.producer } : {}),
  };
}

function bronzeSummary(
  lake: RunExport['counts']['bronze'],
  valid: number,
  compaction: CompactionTotals,
): BronzeSummary {
  return {
    ...lake,
    missing: Math.max(0, valid - lake.ticks),
    compactions: compaction.runs,
    duplicatesDropped: compaction.duplicatesDropped,
    leftStaged: { unreadable: compaction.last.unreadable.length, remaining: compaction.last.remaining },
  };
}

/** A readable end-of-run summary for the terminal. */
export function formatSummary(s: RunSummary): string {
  const labels = [...new Set([...Object.keys(s.bars), ...Object.keys(s.late)])];
  const lines = [
    '',
    `tickflow local run — ${s.mode} (${s.source})`,
    `  ticks in      ${fmt(s.rows)}  = valid ${fmt(s.valid)} + quarantined ${fmt(s.quarantined)}`,
    `  duplicates    ${fmt(s.duplicates)} dropped`,
    `  symbols       ${fmt(s.symbols)}`,
    '',
    `  interval   bars      late`,
    ...labels.map(
      (l) => `  ${l.padEnd(9)}  ${fmt(s.bars[l] ?? 0).padStart(8)}  ${fmt(s.late[l] ?? 0).padStart(8)}`,
    ),
    '',
    `  throughput    ${fmt(Math.round(s.ticksPerSecond))} ticks/s (stream phase, wall time)`,
    `  durations     ${Object.entries(s.durationsMs)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
      .join(', ')}`,
    `  lake          ${s.lake.files} Parquet files under ${s.lake.dir}`,
    `  bronze        ${fmt(s.bronze.ticks)} raw ticks in ${s.bronze.files} files (ticks/, hourly, busy hours in parts), ${s.bronze.compactions} compaction runs`,
  ];
  if (s.bronze.rows > s.bronze.ticks)
    lines.push(`                ${fmt(s.bronze.rows - s.bronze.ticks)} rows repeat a tick already in ticks/`);
  const kinds = Object.entries(s.alerts.byKind).map(([kind, n]) => `${kind} ${n}`);
  lines.push(
    `  alerts        ${fmt(s.alerts.total)} market alerts${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''} → ${s.alerts.file}`,
  );
  if (s.chaos.probability > 0) {
    lines.push(
      `  chaos         p=${s.chaos.probability}: ${s.chaos.injectedBefore} faults before and ${s.chaos.injectedAfter} after a write, ${s.eventSourceMapping.retries} redeliveries`,
    );
  }
  if (s.serving)
    lines.push(`  serving       ${s.serving.rows} rows read back from Cassandra → ${s.serving.exported}`);
  lines.push(...formatCost(s.cost));
  if (s.discarded.records > 0) {
    const per = Object.entries(s.discarded.byConsumer)
      .map(([consumer, c]) => `${consumer} ${fmt(c.records)} records / ${fmt(c.ticks)} ticks`)
      .join(', ');
    lines.push(
      `  DATA LOST     ${fmt(s.discarded.records)} records holding ${fmt(s.discarded.ticks)} ticks went to the on-failure destination after their retries (${per});`,
      `                ${fmt(s.discarded.ticksNotAggregated)} published ticks are in no bar; the ${fmt(s.discarded.batches)} failed batches, whole, are in ${s.discarded.dir}`,
      `                (as the S3 on-failure destination keeps them: tickflow dlq replay --dir ${s.discarded.dir} --dry-run lists them)`,
    );
  }
  if (s.bronze.missing > 0) {
    const { unreadable, remaining } = s.bronze.leftStaged;
    lines.push(
      `  BRONZE SHORT  ${fmt(s.bronze.missing)} valid ticks are in no bronze file (ticks/): ${fmt(s.valid)} valid, ${fmt(s.bronze.ticks)} in bronze;`,
      `                the last compaction left ${fmt(unreadable)} unreadable and ${fmt(remaining)} further staged objects under staging/`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
