import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Bar } from '../../domain/types.js';
import { barRow, lateTickRow, quarantineRow, utcDate } from '../../lake/index.js';
import { runLimited } from '../../pipeline/concurrency.js';
import type { LateEntry, OutputStore, QuarantineEntry } from '../../pipeline/ports.js';
import { backoff } from './state-store.js';

/**
 * Closed bars, late ticks and quarantined records in the outputs table, each item keyed by its identity
 * (a bar by symbol, interval and window; a late tick or quarantined record by shard, sequence number and
 * position in the record), never by the batch that produced it: a retried or differently split batch
 * rewrites the same items with the same content.
 *
 * Items are grouped by lake partition (`pk` = kind|interval|symbol|date), so the materializer turns one
 * DynamoDB partition into one Parquet file. Every write also bumps a marker item under
 * `dirty|<processing date>` that tells the materializer which lake partitions changed.
 */

export type PartitionKind = 'bar' | 'late' | 'quarantine';

/** A lake partition as the outputs table names it. */
export interface OutputPartition {
  readonly kind: PartitionKind;
  /** Interval label (bars and late only). */
  readonly interval?: string;
  /** Symbol (bars and late only). */
  readonly symbol?: string;
  /** UTC date, YYYY-MM-DD. */
  readonly date: string;
}

const SEP = '|';
const BATCH_WRITE_LIMIT = 25;
const WRITE_CONCURRENCY = 4;
/** DynamoDB items are ≤ 400 KB; a raw payload beyond this is stored truncated and flagged. */
const MAX_RAW_CHARS = 300_000;

export function partitionPk(p: OutputPartition): string {
  return p.kind === 'quarantine'
    ? [p.kind, p.date].join(SEP)
    : [p.kind, p.interval, p.symbol, p.date].join(SEP);
}

export function parsePartitionPk(pk: string): OutputPartition {
  const parts = pk.split(SEP);
  const kind = parts[0] as PartitionKind;
  if (kind === 'quarantine' && parts.length === 2) return { kind, date: parts[1]! };
  if ((kind === 'bar' || kind === 'late') && parts.length === 4) {
    return { kind, interval: parts[1]!, symbol: parts[2]!, date: parts[3]! };
  }
  throw new Error(`not an output partition key: ${pk}`);
}

function originSk(o: { shardId: string; sequenceNumber: string; subIndex: number }): string {
  return [o.shardId, o.sequenceNumber.padStart(64, '0'), String(o.subIndex).padStart(6, '0')].join(SEP);
}

export function barItem(b: Bar): Record<string, unknown> {
  return {
    pk: partitionPk({ kind: 'bar', interval: b.interval, symbol: b.symbol, date: utcDate(b.windowStart) }),
    sk: String(b.windowStart).padStart(16, '0'),
    symbol: b.symbol,
    interval: b.interval,
    ...barRow(b),
  };
}

export function barFromItem(item: Record<string, unknown>): Bar {
  return {
    symbol: String(item.symbol),
    interval: String(item.interval),
    windowStart: Number(item.window_start),
    windowEnd: Number(item.window_end),
    open: Number(item.open),
    high: Number(item.high),
    low: Number(item.low),
    close: Number(item.close),
    volume: Number(item.volume),
    vwap: item.vwap === null || item.vwap === undefined ? null : Number(item.vwap),
    tradeCount: Number(item.trade_count),
  };
}

function lateItem(e: LateEntry): Record<string, unknown> {
  return {
    pk: partitionPk({ kind: 'late', interval: e.interval, symbol: e.tick.symbol, date: utcDate(e.tick.ts) }),
    sk: originSk(e.origin),
    ...lateTickRow(e, e.origin),
  };
}

function quarantineItem(e: QuarantineEntry): Record<string, unknown> {
  const truncated = e.raw.length > MAX_RAW_CHARS;
  return {
    pk: partitionPk({ kind: 'quarantine', date: utcDate(e.origin.arrivalTime) }),
    sk: originSk(e.origin),
    ...quarantineRow(e, e.origin),
    raw: truncated ? `${e.raw.slice(0, MAX_RAW_CHARS)}…[truncated]` : e.raw,
  };
}

export class DynamoOutputStore implements OutputStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  putBars(bars: readonly Bar[]): Promise<void> {
    return this.write(bars.map(barItem));
  }

  putLate(entries: readonly LateEntry[]): Promise<void> {
    return this.write(entries.map(lateItem));
  }

  putQuarantine(entries: readonly QuarantineEntry[]): Promise<void> {
    return this.write(entries.map(quarantineItem));
  }

  /** Items of one lake partition, in key order. */
  async readPartition(p: OutputPartition): Promise<Record<string, unknown>[]> {
    return this.queryAll(partitionPk(p));
  }

  /** Partitions changed since they were last materialized, from the markers of the given processing dates. */
  async dirtyPartitions(dates: readonly string[]): Promise<DirtyMarker[]> {
    const out: DirtyMarker[] = [];
    for (const date of dates) {
      for (const item of await this.queryAll(['dirty', date].join(SEP))) {
        const changes = Number(item.changes ?? 0);
        const materialized = Number(item.materialized ?? 0);
        if (changes > materialized) {
          out.push({ markerPk: String(item.pk), partition: parsePartitionPk(String(item.sk)), changes });
        }
      }
    }
    return out;
  }

  /** Records that a partition was materialized up to `changes` (never moves backwards). */
  async markMaterialized(marker: DirtyMarker): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: marker.markerPk, sk: partitionPk(marker.partition) },
          UpdateExpression: 'SET #m = :n',
          ConditionExpression: 'attribute_not_exists(#m) OR #m < :n',
          ExpressionAttributeNames: { '#m': 'materialized' },
          ExpressionAttributeValues: { ':n': marker.changes },
        }),
      )
      .catch((err: Error) => {
        if (err.name !== 'ConditionalCheckFailedException') throw err;
      });
  }

  private async queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async write(items: Record<string, unknown>[]): Promise<void> {
    if (items.length === 0) return;
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT)
      chunks.push(items.slice(i, i + BATCH_WRITE_LIMIT));
    await runLimited(chunks, WRITE_CONCURRENCY, (chunk) => this.batchWrite(chunk));
    // Markers last: a crash before them is repaired by the retry, which rewrites the items and then marks.
    const partitions = [...new Set(items.map((i) => String(i.pk)))];
    const markerPk = ['dirty', utcDate(this.now())].join(SEP);
    await runLimited(partitions, WRITE_CONCURRENCY, (pk) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: markerPk, sk: pk },
          UpdateExpression: 'ADD #c :one',
          ExpressionAttributeNames: { '#c': 'changes' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }

  private async batchWrite(chunk: Record<string, unknown>[]): Promise<void> {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 8)
        throw new Error(`outputs table: ${requests.length} items still unprocessed after retries`);
      const res = await this.doc.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      requests = (res.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      if (requests.length > 0) await backoff(attempt);
    }
  }
}

export interface DirtyMarker {
  readonly markerPk: string;
  readonly partition: OutputPartition;
  readonly changes: number;
}
