import { gunzipSync, gzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../config.js';
import type { MarketAlert } from '../../domain/market-alerts/index.js';
import { runLimited } from '../../pipeline/concurrency.js';
import type { QuietFeedIndex, SentAlertLog } from '../../pipeline/ports.js';

/** Partition of a symbol's sent-alert records; no lake partition, marker or lease is named like it. */
export function sentAlertPk(symbol: string): string {
  return `alert-sent|${symbol}`;
}

/**
 * Sent market alerts as items `{ pk: 'alert-sent|<symbol>', sk: <alert id>, sentAt }` of the outputs
 * table, expiring with the table's retention (the market watch scans two days of bars, so an alert
 * older than the retention is never found again). Reads are consistent: a record written by the
 * previous round is seen.
 */
export class DynamoSentAlertLog implements SentAlertLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionMs?: number,
  ) {}

  async sent(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    await runLimited([...new Set(ids)], 8, async (id) => {
      const res = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: sentAlertPk(symbolOf(id)), sk: id },
          ConsistentRead: true,
        }),
      );
      if (res.Item) found.add(id);
    });
    return found;
  }

  async record(alert: MarketAlert, sentAt: number): Promise<void> {
    const expiry =
      this.retentionMs === undefined
        ? {}
        : { [TABLE_KEYS.outputs.ttlAttribute]: Math.floor((sentAt + this.retentionMs) / 1000) };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: sentAlertPk(alert.symbol), sk: alert.id, kind: alert.kind, sentAt, ...expiry },
      }),
    );
  }
}

/** The symbol of an alert id (`kind|symbol|interval|windowStart`; symbols never contain `|`). */
function symbolOf(id: string): string {
  const symbol = id.split('|')[1];
  if (!symbol) throw new Error(`not a market alert id: ${id}`);
  return symbol;
}

/** The key of the quiet-feed index of one watched interval (no partition, marker or lease is named like it). */
export function quietFeedKey(interval: string): { pk: string; sk: string } {
  return { pk: 'alert-quiet', sk: interval };
}

/**
 * The alerted silences of one watched interval as one item of the outputs table,
 * `{ pk: 'alert-quiet', sk: <interval>, alertedGz }`, the symbol → bar-start map as gzipped JSON
 * (2,000 symbols silent at once fit in 8 KB, two read units a round:
 * test/unit/adapters/quiet-feed-index.test.ts). No expiry: it holds current state, and a symbol leaves
 * it when it ticks again. Reads are consistent: the previous round's write is seen.
 */
export class DynamoQuietFeedIndex implements QuietFeedIndex {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly interval: string,
  ) {}

  async read(): Promise<Map<string, number>> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: quietFeedKey(this.interval), ConsistentRead: true }),
    );
    const gz = res.Item?.alertedGz;
    return gz instanceof Uint8Array ? decodeQuietIndex(gz) : new Map();
  }

  async write(alerted: ReadonlyMap<string, number>): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...quietFeedKey(this.interval), alertedGz: encodeQuietIndex(alerted), symbols: alerted.size },
      }),
    );
  }
}

/** The index's stored form: symbol → bar start as JSON, sorted by symbol, gzipped. */
export function encodeQuietIndex(alerted: ReadonlyMap<string, number>): Uint8Array {
  const json = JSON.stringify(Object.fromEntries([...alerted].sort(([a], [b]) => a.localeCompare(b))));
  return new Uint8Array(gzipSync(json));
}

export function decodeQuietIndex(gz: Uint8Array): Map<string, number> {
  return new Map(Object.entries(JSON.parse(gunzipSync(gz).toString('utf8')) as Record<string, number>));
}
