import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../config.js';
import type { SeenIds } from '../../domain/index.js';
import { StateConflictError, type StateStore, type StoredSymbolState } from '../../pipeline/ports.js';
import {
  eventTimeKey,
  nextEntryKey,
  planEntry,
  resolveChain,
  type SeenIdEntryPart,
} from '../../pipeline/seen-id-log.js';

const KEY = TABLE_KEYS.state.partitionKey;
const LOG_KEY = TABLE_KEYS.seenIds.sortKey;
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** DynamoDB's item size limit (names and values together). */
export const MAX_ITEM_BYTES = 400 * 1024;
/**
 * Snapshots above this are stored gzipped. Write units are per started KB of the item, and a head is
 * rewritten on every commit: with the default six intervals and 10-minute lateness a snapshot holds
 * ~3 KB of pane JSON (a 4-unit write), ~1 KB gzipped (a 2-unit head), for ~0.1 ms of CPU.
 */
export const COMPRESS_ABOVE_BYTES = 1024;
/**
 * How long a seen-id log entry is kept (processing time, by the table's TTL): past its dedup
 * horizon an entry is never read again (readers ask only for keys ≥ the horizon start), so this is
 * cleanup, set well past the longest a record can wait in a stream (retention 24 h, record age 6 h).
 */
export const SEEN_ID_TTL_SECONDS = 3 * 86_400;

/**
 * Thrown by `commit` before writing when a symbol's head does not fit in one DynamoDB item even
 * compressed. The head holds no trade ids, only the panes of open windows, so this takes a very
 * long lateness or a great many intervals.
 */
export class StateTooLargeError extends Error {
  constructor(
    readonly symbol: string,
    readonly itemBytes: number,
  ) {
    super(
      `state of ${symbol} is ${Math.ceil(itemBytes / 1024)} KB compressed, over DynamoDB's 400 KB item limit: ` +
        'it holds the panes of the open windows, so shorten the allowed lateness or use fewer intervals',
    );
    this.name = 'StateTooLargeError';
  }
}

export interface DynamoStateStoreOptions {
  /** Lifetime of a seen-id log entry (the table's TTL attribute `expiresAt`). @default SEEN_ID_TTL_SECONDS */
  readonly seenIdTtlSeconds?: number;
  readonly now?: () => number;
}

/**
 * Per-symbol aggregation state in DynamoDB: one head item per symbol in the state table, and the
 * symbol's seen-id log (see `pipeline/seen-id-log.ts`) in the seen-ids table, keyed
 * (`symbol`, `entry`). A commit appends its batch's trade ids as new log items (unconditional:
 * their keys are unique per attempt) and then writes the head, conditional on the version, so an
 * instance working from stale state loses the race instead of overwriting newer state (a zombie
 * never corrupts). The head is bounded (panes of open windows, checkpoints, counters), so the bytes a
 * commit writes grow with its batch, never with the dedup horizon or the symbol's rate.
 *
 * The snapshot and counters are stored as JSON text: compact, exact for JS numbers, and opaque to
 * DynamoDB's 38-digit number type; a snapshot over 8 KB is gzipped, and so is every log part.
 */
export class DynamoStateStore implements StateStore {
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly seenIdsTable: string,
    opts: DynamoStateStoreOptions = {},
  ) {
    this.ttlSeconds = opts.seenIdTtlSeconds ?? SEEN_ID_TTL_SECONDS;
    this.now = opts.now ?? Date.now;
  }

  async load(symbols: readonly string[]): Promise<Map<string, StoredSymbolState>> {
    const out = new Map<string, StoredSymbolState>();
    for (let i = 0; i < symbols.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = symbols
        .slice(i, i + BATCH_GET_LIMIT)
        .map((s) => ({ [KEY]: s }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        const res: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of res.Responses?.[this.tableName] ?? []) {
          const state = fromItem(item);
          out.set(state.symbol, state);
        }
        keys = res.UnprocessedKeys?.[this.tableName]?.Keys;
        if (keys && keys.length > 0) await backoff(attempt);
      }
    }
    return out;
  }

  async loadSeenIds(state: StoredSymbolState): Promise<SeenIds> {
    if (state.seenIdsFrom === null || state.seenIdsTip === undefined) return [];
    const parts: SeenIdEntryPart[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res: QueryCommandOutput = await this.doc.send(
        new QueryCommand({
          TableName: this.seenIdsTable,
          KeyConditionExpression: '#k = :symbol AND #e >= :from',
          ExpressionAttributeNames: { '#k': KEY, '#e': LOG_KEY },
          ExpressionAttributeValues: { ':symbol': state.symbol, ':from': eventTimeKey(state.seenIdsFrom) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) parts.push(partFromItem(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return resolveChain(state.seenIdsTip, parts);
  }

  /** @throws StateTooLargeError (before writing) when the head would exceed DynamoDB's limit. */
  async commit(next: StoredSymbolState, newIds: SeenIds): Promise<void> {
    const expected = next.version - 1;
    let tip = next.seenIdsTip;
    if (newIds.length > 0) {
      const entry = nextEntryKey(tip, newIds, next.version, randomUUID());
      await this.appendLog(next.symbol, planEntry(entry, tip ?? null, newIds));
      tip = entry;
    }
    const item = toItem({ ...next, seenIdsTip: tip });
    const bytes = itemBytes(item);
    if (bytes > MAX_ITEM_BYTES) throw new StateTooLargeError(next.symbol, bytes);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: expected === 0 ? 'attribute_not_exists(#k)' : '#v = :expected',
          ExpressionAttributeNames: expected === 0 ? { '#k': KEY } : { '#v': 'version' },
          ExpressionAttributeValues: expected === 0 ? undefined : { ':expected': expected },
        }),
      );
    } catch (err) {
      if (
        err instanceof ConditionalCheckFailedException ||
        (err as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new StateConflictError(next.symbol, expected);
      }
      throw err;
    }
  }

  async scan(): Promise<StoredSymbolState[]> {
    const out: StoredSymbolState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const item of res.Items ?? []) out.push(fromItem(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Writes the parts of one log entry, 25 per BatchWriteItem, retrying what DynamoDB leaves unprocessed. */
  private async appendLog(symbol: string, parts: readonly SeenIdEntryPart[]): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + this.ttlSeconds;
    for (let i = 0; i < parts.length; i += BATCH_WRITE_LIMIT) {
      let requests: BatchWriteCommandInput['RequestItems'] = {
        [this.seenIdsTable]: parts
          .slice(i, i + BATCH_WRITE_LIMIT)
          .map((part) => ({ PutRequest: { Item: partToItem(symbol, part, expiresAt) } })),
      };
      for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
        const res: BatchWriteCommandOutput = await this.doc.send(
          new BatchWriteCommand({ RequestItems: requests }),
        );
        requests = res.UnprocessedItems;
        if (requests && Object.keys(requests).length > 0) await backoff(attempt);
      }
    }
  }
}

function partToItem(symbol: string, part: SeenIdEntryPart, expiresAt: number): Record<string, unknown> {
  return {
    [KEY]: symbol,
    [LOG_KEY]: `${part.entry}#${String(part.part).padStart(4, '0')}`,
    part: part.part,
    parts: part.parts,
    ...(part.prev !== null && { prev: part.prev }),
    ids: new Uint8Array(gzipSync(JSON.stringify(part.ids))),
    expiresAt,
  };
}

function partFromItem(item: Record<string, unknown>): SeenIdEntryPart {
  const key = String(item[LOG_KEY]);
  return {
    entry: key.slice(0, key.lastIndexOf('#')),
    part: Number(item.part),
    parts: Number(item.parts),
    prev: typeof item.prev === 'string' ? item.prev : null,
    ids: JSON.parse(gunzipSync(item.ids as Uint8Array).toString('utf8')),
  };
}

function toItem(s: StoredSymbolState): Record<string, unknown> {
  const snapshot = JSON.stringify(s.snapshot);
  return {
    [KEY]: s.symbol,
    version: s.version,
    applied: s.applied,
    ...(Buffer.byteLength(snapshot) > COMPRESS_ABOVE_BYTES
      ? { snapshotGz: new Uint8Array(gzipSync(snapshot)) }
      : { snapshot }),
    counters: JSON.stringify(s.counters),
    lastActivity: s.lastActivity,
    flushed: s.flushed === true,
    seenIdsFrom: s.seenIdsFrom,
    ...(s.seenIdsTip !== undefined && { seenIdsTip: s.seenIdsTip }),
    ...(s.commitId !== undefined && { commitId: s.commitId }),
  };
}

function fromItem(item: Record<string, unknown>): StoredSymbolState {
  const snapshot =
    item.snapshotGz instanceof Uint8Array
      ? gunzipSync(item.snapshotGz).toString('utf8')
      : String(item.snapshot);
  return {
    symbol: String(item[KEY]),
    version: Number(item.version),
    applied: (item.applied ?? {}) as Record<string, string>,
    snapshot: JSON.parse(snapshot),
    counters: JSON.parse(String(item.counters)),
    lastActivity: Number(item.lastActivity ?? 0),
    flushed: item.flushed === true,
    // A head written before the seen-id log existed: its ids are inline in the snapshot.
    seenIdsFrom: typeof item.seenIdsFrom === 'number' ? item.seenIdsFrom : null,
    ...(typeof item.seenIdsTip === 'string' && { seenIdsTip: item.seenIdsTip }),
    ...(typeof item.commitId === 'string' && { commitId: item.commitId }),
  };
}

/** Exponential backoff with full jitter, capped at ~1.6 s. */
export function backoff(attempt: number): Promise<void> {
  const cap = Math.min(1600, 25 * 2 ** attempt);
  return new Promise((r) => setTimeout(r, Math.random() * cap));
}

/**
 * An upper bound of the item's size as DynamoDB counts it: attribute names plus values, binary
 * values by length, everything else by its JSON text (which is never shorter than DynamoDB's form).
 */
function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    bytes += value instanceof Uint8Array ? value.length : Buffer.byteLength(JSON.stringify(value));
  }
  return bytes;
}
