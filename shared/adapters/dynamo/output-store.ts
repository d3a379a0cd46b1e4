import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../config.js';
import type { Bar } from '../../domain/types.js';
import { barRow, lateTickRow, quarantineRow, utcDate } from '../../lake/index.js';
import { runLimited } from '../../pipeline/concurrency.js';
import type {
  DirtyMarker,
  LateEntry,
  MaterializableOutputs,
  OutputPartition,
  OutputStore,
  Outputs,
  PartitionKind,
  QuarantineEntry,
} from '../../pipeline/ports.js';
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

/** Partition of the materializer's progress items of one processing date (`upTo` per lake partition). */
export function materializedPk(date: string): string {
  return ['materialized', date].join(SEP);
}

export class DynamoOutputStore implements OutputStore, MaterializableOutputs {
  /**
   * @param retentionMs how long an item stays after it is written: every item and marker gets the TTL
   *   attribute `expiresAt` (epoch seconds) = write time + retention; `undefined` keeps them forever.
   *   The lake keeps what expires: see LakeMaterializer.
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    readonly retentionMs?: number,
  ) {}

  put(outputs: Outputs): Promise<void> {
    return this.write([
      ...(outputs.bars ?? []).map(barItem),
      ...(outputs.late ?? []).map(lateItem),
      ...(outputs.quarantine ?? []).map(quarantineItem),
    ]);
  }

  /** Items of one lake partition, in key order. */
  async readPartition(p: OutputPartition): Promise<Record<string, unknown>[]> {
    return this.queryAll(partitionPk(p));
  }

  /**
   * Partitions changed since they were last materialized: markers of the given processing dates whose
   * `changedAt` is past the progress recorded by {@link markMaterialized}.
   */
  async dirtyPartitions(dates: readonly string[]): Promise<DirtyMarker[]> {
    const out: DirtyMarker[] = [];
    for (const date of dates) {
      const progress = new Map<string, number>();
      for (const item of await this.queryAll(materializedPk(date))) {
        progress.set(String(item.sk), Number(item.upTo));
      }
      for (const item of await this.queryAll(['dirty', date].join(SEP))) {
        const changedAt = Number(item.changedAt);
        if (changedAt > (progress.get(String(item.sk)) ?? Number.NEGATIVE_INFINITY)) {
          out.push({ date, partition: parsePartitionPk(String(item.sk)), changedAt });
        }
      }
    }
    return out;
  }

  /**
   * Records that a partition was materialized from a read that started at `readStartedAt`. Markers
   * written within {@link MARKER_SAFETY_MS} before that read stay dirty (a BatchWriteItem is not atomic:
   * a marker may land before its items), so the next run rewrites the partition once more; progress
   * never moves backwards.
   */
  async markMaterialized(marker: DirtyMarker, readStartedAt: number): Promise<void> {
    const upTo = Math.min(marker.changedAt, readStartedAt - MARKER_SAFETY_MS);
    await this.doc
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: materializedPk(marker.date), sk: partitionPk(marker.partition), upTo },
          ConditionExpression: 'attribute_not_exists(upTo) OR upTo < :v',
          ExpressionAttributeValues: { ':v': upTo },
        }),
      )
      .catch((err: Error) => {
        if (err.name !== 'ConditionalCheckFailedException') throw err;
      });
  }

  async markDirty(partitions: readonly OutputPartition[]): Promise<void> {
    const now = this.now();
    const expiry =
      this.retentionMs === undefined
        ? {}
        : { [TABLE_KEYS.outputs.ttlAttribute]: Math.floor((now + this.retentionMs) / 1000) };
    await runLimited([...new Set(partitions.map(partitionPk))], WRITE_CONCURRENCY, (sk) =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ['dirty', utcDate(now)].join(SEP), sk, changedAt: now, ...expiry },
        }),
      ),
    );
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

  /**
   * Writes the items and, in the same BatchWriteItem calls, one marker per lake partition touched
   * (`dirty|<processing date>`, `changedAt` = now): one round trip for a typical batch's outputs.
   */
  private async write(items: Record<string, unknown>[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.now();
    const markerPk = ['dirty', utcDate(now)].join(SEP);
    const markers = [...new Set(items.map((i) => String(i.pk)))].map((sk) => ({
      pk: markerPk,
      sk,
      changedAt: now,
    }));
    const expiry =
      this.retentionMs === undefined
        ? {}
        : { [TABLE_KEYS.outputs.ttlAttribute]: Math.floor((now + this.retentionMs) / 1000) };
    const all = [...items, ...markers].map((item) => ({ ...item, ...expiry }));
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < all.length; i += BATCH_WRITE_LIMIT) chunks.push(all.slice(i, i + BATCH_WRITE_LIMIT));
    await runLimited(chunks, WRITE_CONCURRENCY, (chunk) => this.batchWrite(chunk));
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

/** Clock skew and non-atomic batch writes the materializer's progress allows for. */
export const MARKER_SAFETY_MS = 5_000;
