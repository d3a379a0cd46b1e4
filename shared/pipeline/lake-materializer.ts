import {
  BARS_SCHEMA,
  LATE_SCHEMA,
  type LakeRow,
  type LakeSchema,
  type LakeValue,
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
 * One writer at a time (the CDK app gives the function a reserved concurrency of 1).
 *
 * The outputs come through {@link MaterializableOutputs} (the DynamoDB outputs table in AWS and in the
 * local run) and the files go to a {@link ParquetLake} (S3 with the Parquet adapter).
 */
export class LakeMaterializer {
  constructor(
    private readonly outputs: MaterializableOutputs,
    private readonly lake: ParquetLake,
    private readonly concurrency = 4,
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

  private async writePartition(p: OutputPartition): Promise<{ key: string; rows: number }> {
    const items = await this.outputs.readPartition(p);
    const { schema, key } = target(p);
    const rows = items.map((item) => pick(schema, item));
    await this.lake.put(key, this.lake.encodeParquet(schema, rows), 'application/vnd.apache.parquet');
    return { key, rows: rows.length };
  }
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
