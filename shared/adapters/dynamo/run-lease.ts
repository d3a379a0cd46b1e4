import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunLease } from '../../pipeline/run-lease.js';

/** Partition key of the lease items in the outputs table; no output partition is named like it. */
export const LEASE_PARTITION = 'lease';

/**
 * Leases as items `{ pk: 'lease', sk: <job>, holder, leaseUntil, releasedAt }` of the outputs table,
 * taken with a conditional UpdateItem (free, or expired by the caller's clock) and released with a
 * conditional UpdateItem (only by its holder) that frees it and records when (`releasedAt`: when the
 * job's last run ended, which `tickflow status` reports). The materializer reads that table by
 * partition key only, so it never sees them.
 */
export class DynamoRunLease implements RunLease {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(name: string, holder: string, untilMs: number): Promise<boolean> {
    try {
      // An update, not a put: the item keeps `releasedAt` of the previous run.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: LEASE_PARTITION, sk: name },
          UpdateExpression: 'SET holder = :holder, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':holder': holder, ':until': untilMs, ':now': this.now() },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async release(name: string, holder: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: LEASE_PARTITION, sk: name },
          UpdateExpression: 'SET leaseUntil = :free, releasedAt = :now REMOVE holder',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder, ':free': 0, ':now': this.now() },
        }),
      );
    } catch (err) {
      // Taken over after it expired: the other run's lease stays.
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  /** When the job's last run gave the lease back (epoch ms), or undefined if none ever did. */
  async releasedAt(name: string): Promise<number | undefined> {
    const res = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: LEASE_PARTITION, sk: name },
        ConsistentRead: true,
      }),
    );
    const at = res.Item?.releasedAt;
    return typeof at === 'number' ? at : undefined;
  }
}
