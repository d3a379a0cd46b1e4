import {
  BARS_SCHEMA,
  LATE_SCHEMA,
  type LakeRow,
  type LakeSchema,
  type LakeValue,
  parsePartitionPath,
  partitionFileKey,
  partitionKey,
  QUARANTINE_SCHEMA,
  utcDate,
} from '../lake/index.js';
import { runLimited } from './concurrency.js';
import type { DirtyMarker, MaterializableOutputs, OutputPartition, ParquetLake } from './ports.js';

export interface MaterializeReport {
  partitions: number;
  rows: number;
  files: string[];
}

/**
 * Turns the outputs table into the Parquet lake: each changed partition (bars, late, quarantine of one
 * interval, symbol and date) is re-encoded whole from its items and written to one deterministic key,
 * `…/part-00000.parquet`. Rewriting gives the same file for the same items, so a crash at any point is
 * repaired by running again, and readers see a partition either before or after (S3 PUT is atomic).
 * One writer at a time: the scheduled handler runs it under a run lease (run-lease.ts).
 *
 * The outputs come through {@link MaterializableOutputs} (the DynamoDB outputs table in AWS and in the
 * local run) and the files go to a {@link ParquetLake} (S3 with the Parquet adapter).
 */
export class LakeMaterializer {
  /**
   * @param retentionMs the outputs table's retention (TTL). A partition whose oldest items may have
   *   expired is rewritten as the table's items plus the rows of its current file the table no longer
   *   holds, so a late arrival for an old date never shrinks the lake.
   */
  constructor(
    private readonly outputs: MaterializableOutputs,
    private readonly lake: ParquetLake,
    private readonly concurrency = 4,
    private readonly retentionMs?: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Materializes the partitions marked dirty on the given processing dates (UTC, YYYY-MM-DD). */
  async materialize(markerDates: readonly string[]): Promise<MaterializeReport> {
    const dirty = await this.outputs.dirtyPartitions(markerDates);
    const report: MaterializeReport = { partitions: 0, rows: 0, files: [] };
    await runLimited(dirty, this.concurrency, async (marker: DirtyMarker) => {
      const readStartedAt = Date.now();
      const { key, rows } = await this.writePartition(marker.partition);
      await this.outputs.markMaterialized(marker, readStartedAt);
      report.partitions++;
      report.rows += rows;
      report.files.push(key);
    });
    report.files.sort();
    return report;
  }

  /**
   * Marks the partitions of these lake keys (from {@link materialize}'s report) dirty again, so the next
   * round rewrites them and whatever reads them after the rewrite (the market watch) runs again.
   */
  async materializeAgainNextRound(keys: readonly string[]): Promise<void> {
    const partitions: OutputPartition[] = [];
    for (const key of keys) {
      const { dataset, partition } = parsePartitionPath(key);
      if (dataset === 'quarantine') partitions.push({ kind: 'quarantine', date: partition.date! });
      else if (dataset === 'bars' || dataset === 'late') {
        const kind = dataset === 'bars' ? 'bar' : 'late';
        partitions.push({
          kind,
          interval: partition.interval!,
          symbol: partition.symbol!,
          date: partition.date!,
        });
      }
    }
    await this.outputs.markDirty(partitions);
  }

  private async writePartition(p: OutputPartition): Promise<{ key: string; rows: number }> {
    const items = await this.outputs.readPartition(p);
    const { schema, key } = target(p);
    let rows = items.map((item) => pick(schema, item));
    if (this.mayHaveExpired(p.date)) rows = await this.withRowsOnlyInLake(key, p.kind, rows);
    await this.lake.put(key, this.lake.encodeParquet(schema, rows), 'application/vnd.apache.parquet');
    return { key, rows: rows.length };
  }

  private mayHaveExpired(date: string): boolean {
    if (this.retentionMs === undefined) return false;
    return this.now() >= Date.parse(`${date}T00:00:00Z`) + this.retentionMs - EXPIRY_MARGIN_MS;
  }

  private async withRowsOnlyInLake(
    key: string,
    kind: OutputPartition['kind'],
    rows: LakeRow[],
  ): Promise<LakeRow[]> {
    const existing = await this.lake.get(key);
    if (existing === undefined) return rows;
    const inTable = new Set(rows.map((r) => identity(kind, r)));
    const onlyInLake = (await this.lake.decodeParquet(existing)).filter(
      (r) => !inTable.has(identity(kind, r)),
    );
    return [...rows, ...onlyInLake].sort((a, b) => (identity(kind, a) < identity(kind, b) ? -1 : 1));
  }
}

/**
 * Items of a partition are written no earlier than a day before its date starts (a bar closes after
 * its window, a late tick arrives after its ts, a quarantined record is dated by arrival; the margin
 * covers clocks), so none can have expired before date + retention − 1 day.
 */
const EXPIRY_MARGIN_MS = 86_400_000;

/** The identity a row is keyed by in the outputs table (its sort key), for merging and ordering. */
function identity(kind: OutputPartition['kind'], row: LakeRow): string {
  if (kind === 'bar') return String(row.window_start).padStart(16, '0');
  return [
    row.shard_id,
    String(row.sequence_number).padStart(64, '0'),
    String(row.sub_index).padStart(6, '0'),
  ].join('|');
}

function target(p: OutputPartition): { schema: LakeSchema; key: string } {
  switch (p.kind) {
    case 'bar':
      return {
        schema: BARS_SCHEMA,
        key: partitionFileKey(
          partitionKey('bars', { interval: p.interval!, symbol: p.symbol!, date: p.date }),
        ),
      };
    case 'late':
      return {
        schema: LATE_SCHEMA,
        key: partitionFileKey(
          partitionKey('late', { interval: p.interval!, symbol: p.symbol!, date: p.date }),
        ),
      };
    case 'quarantine':
      return {
        schema: QUARANTINE_SCHEMA,
        key: partitionFileKey(partitionKey('quarantine', { date: p.date })),
      };
  }
}

function pick(schema: LakeSchema, item: Record<string, unknown>): LakeRow {
  const row: Record<string, LakeValue> = {};
  for (const c of schema.columns) {
    const v = item[c.name];
    row[c.name] = v === undefined ? null : (v as LakeValue);
  }
  return row;
}

/** Today's and yesterday's marker dates: a round may straddle a UTC midnight of processing time. */
export function markerDates(now: number = Date.now()): string[] {
  return [utcDate(now - 86_400_000), utcDate(now)];
}
