import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RunLease } from '../../pipeline/run-lease.js';

/** Partition key of the lease items in the outputs table; no output partition is named like it. */
export const LEASE_PARTITION = 'lease';

/**
 * Leases as items `{ pk: 'lease', sk: <job>, holder, leaseUntil }` of the outputs table, taken with a
 * conditional PutItem (free, or expired by the caller's clock) and released with a conditional
 * DeleteItem (only by its holder). The materializer reads that table by partition key only, so it never
 * sees them.
 */
export class DynamoRunLease implements RunLease {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(name: string, holder: string, untilMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: LEASE_PARTITION, sk: name, holder, leaseUntil: untilMs },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': this.now() },
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
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: LEASE_PARTITION, sk: name },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (err) {
      // Taken over after it expired: the other run's lease stays.
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
}
