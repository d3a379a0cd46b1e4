import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../config.js';
import type { MarketAlert } from '../../domain/market-alerts/index.js';
import { runLimited } from '../../pipeline/concurrency.js';
import type { SentAlertLog } from '../../pipeline/ports.js';

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
