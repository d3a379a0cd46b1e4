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

/**
 * Per-symbol aggregation state in DynamoDB, one item per symbol. The snapshot and counters are stored
 * as JSON text: compact, exact for JS numbers, and opaque to DynamoDB's 38-digit number type.
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

  async commit(next: StoredSymbolState): Promise<void> {
    const expected = next.version - 1;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(next),
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
  return {
    [KEY]: s.symbol,
    version: s.version,
    applied: s.applied,
    snapshot: JSON.stringify(s.snapshot),
    counters: JSON.stringify(s.counters),
    lastActivity: s.lastActivity,
    flushed: s.flushed === true,
  };
}

function fromItem(item: Record<string, unknown>): StoredSymbolState {
  return {
    symbol: String(item[KEY]),
    version: Number(item.version),
    applied: (item.applied ?? {}) as Record<string, string>,
    snapshot: JSON.parse(String(item.snapshot)),
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
