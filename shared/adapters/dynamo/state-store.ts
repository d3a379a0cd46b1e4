import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../config.js';
import { StateConflictError, type StateStore, type StoredSymbolState } from '../../pipeline/ports.js';

const KEY = TABLE_KEYS.state.partitionKey;
const BATCH_GET_LIMIT = 100;
/** DynamoDB's item size limit (names and values together). */
export const MAX_ITEM_BYTES = 400 * 1024;
/** Snapshots above this are stored gzipped: trade ids inside the dedup horizon make most of them. */
export const COMPRESS_ABOVE_BYTES = 8 * 1024;

/**
 * Thrown by `commit` before writing when a symbol's state does not fit in one DynamoDB item even
 * compressed. Nearly all of it is the trade ids inside the dedup horizon, so the remedy is a
 * shorter horizon for such a busy symbol (or no ids from its producer).
 */
export class StateTooLargeError extends Error {
  constructor(
    readonly symbol: string,
    readonly itemBytes: number,
    readonly dedupIds: number,
  ) {
    super(
      `state of ${symbol} is ${Math.ceil(itemBytes / 1024)} KB compressed, over DynamoDB's 400 KB item limit ` +
        `(${dedupIds} trade ids inside the dedup horizon): shorten the dedup horizon ` +
        '(TICKFLOW_DEDUP_HORIZON / --dedup-horizon) or send this symbol without trade ids',
    );
    this.name = 'StateTooLargeError';
  }
}

/**
 * Per-symbol aggregation state in DynamoDB, one item per symbol. The snapshot and counters are stored
 * as JSON text: compact, exact for JS numbers, and opaque to DynamoDB's 38-digit number type. A
 * snapshot over 8 KB is stored gzipped (binary `snapshotGz`): for one symbol at 200 ticks/s (the
 * cases of test/integration/state-store.test.ts) 340 KB of JSON with numeric trade ids → 50 KB,
 * 598 KB with 32-hex-digit ids → 259 KB. Write capacity is paid per KB, so that is also 2–7× fewer
 * WCUs per commit.
 * Commits are conditional on the version, so an instance working from stale state loses the race
 * instead of overwriting newer state (a zombie never corrupts).
 */
export class DynamoStateStore implements StateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  /** @throws StateTooLargeError (before writing) when the item would exceed DynamoDB's limit. */
  async commit(next: StoredSymbolState): Promise<void> {
    const expected = next.version - 1;
    const item = toItem(next);
    const bytes = itemBytes(item);
    if (bytes > MAX_ITEM_BYTES) throw new StateTooLargeError(next.symbol, bytes, dedupIds(next.snapshot));
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

function dedupIds(snapshot: unknown): number {
  const dedup = (snapshot as { dedup?: unknown } | null)?.dedup;
  return Array.isArray(dedup) ? dedup.length : 0;
}
