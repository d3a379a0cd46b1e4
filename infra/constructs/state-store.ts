import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LEASE_PARTITION } from '../../shared/adapters/dynamo/run-lease.js';
import { HANDLER_ENV, TABLE_KEYS } from '../../shared/config.js';
import { requireIntegerInRange } from './validate.js';

export interface StateStoreProps {
  /** Physical name of the per-symbol state table. */
  readonly stateTableName: string;
  /** Physical name of the table of the symbols' seen-id logs (trade ids inside the dedup horizon). */
  readonly seenIdsTableName: string;
  /** Physical name of the outputs table (closed bars, late ticks, quarantined records). */
  readonly outputTableName: string;
  /**
   * Days an outputs item stays after it is written: the handlers write the TTL attribute
   * (`TABLE_KEYS.outputs.ttlAttribute`, epoch seconds) with this retention; the lake keeps the data.
   * @default no retention: outputs stay until removed
   */
  readonly outputsRetentionDays?: number;
  /**
   * Customer-managed key for both tables.
   * @default a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the tables when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Item-level access the handlers need, conditional writes and transactions included
 * (TransactWriteItems is authorised by these per-item actions). No Scan, no stream reads, no table admin.
 */
export const ITEM_READ_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

/** What DynamoDB needs on a customer-managed table key for a principal that reads and writes items. */
const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
];

/**
 * The aggregator's DynamoDB tables, keyed exactly as `TABLE_KEYS` says (the local stack uses the same
 * schema): on-demand capacity, point-in-time recovery, customer-managed encryption. A symbol's state
 * is its head in the state table plus its seen-id log, whose entries expire by TTL.
 */
export class StateStore extends Construct {
  readonly stateTable: dynamodb.Table;
  readonly seenIdsTable: dynamodb.Table;
  readonly outputTable: dynamodb.Table;
  readonly encryptionKey: kms.IKey;
  readonly outputsRetentionDays?: number;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    if (props.outputsRetentionDays !== undefined) {
      // The materializer reads the dirty markers of today and yesterday: they must outlive those.
      requireIntegerInRange(
        'StateStore',
        'outputsRetentionDays',
        props.outputsRetentionDays,
        3,
        3650,
        'days',
      );
    }
    this.outputsRetentionDays = props.outputsRetentionDays;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the tickflow state and outputs tables',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      ...common,
      tableName: props.stateTableName,
      partitionKey: { name: TABLE_KEYS.state.partitionKey, type: dynamodb.AttributeType.STRING },
    });
    this.seenIdsTable = new dynamodb.Table(this, 'SeenIdsTable', {
      ...common,
      tableName: props.seenIdsTableName,
      partitionKey: { name: TABLE_KEYS.seenIds.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.seenIds.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLE_KEYS.seenIds.ttlAttribute,
    });
    this.outputTable = new dynamodb.Table(this, 'OutputTable', {
      ...common,
      tableName: props.outputTableName,
      partitionKey: { name: TABLE_KEYS.outputs.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.outputs.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLE_KEYS.outputs.ttlAttribute,
    });
  }

  /** The handler environment naming the tables (`HANDLER_ENV`). */
  environment(): Record<string, string> {
    return {
      [HANDLER_ENV.stateTable]: this.stateTable.tableName,
      [HANDLER_ENV.seenIdsTable]: this.seenIdsTable.tableName,
      [HANDLER_ENV.outputTable]: this.outputTable.tableName,
      ...(this.outputsRetentionDays !== undefined && {
        [HANDLER_ENV.outputsRetentionDays]: String(this.outputsRetentionDays),
      }),
    };
  }

  /** Item reads and writes (no Scan) on the state and seen-ids tables, plus use of their key. */
  grantStateAccess(grantee: iam.IGrantable): void {
    this.stateTable.grant(grantee, ...ITEM_READ_WRITE_ACTIONS);
    this.seenIdsTable.grant(grantee, ...ITEM_READ_WRITE_ACTIONS);
    this.encryptionKey.grant(grantee, ...TABLE_KEY_ACTIONS);
  }

  /** Item reads and writes (no Scan) on the outputs table, plus use of its key. */
  grantOutputAccess(grantee: iam.IGrantable): void {
    this.outputTable.grant(grantee, ...ITEM_READ_WRITE_ACTIONS);
    this.encryptionKey.grant(grantee, ...TABLE_KEY_ACTIONS);
  }

  /**
   * Take and give back the scheduled jobs' run leases (items of partition `lease` of the outputs table,
   * see shared/adapters/dynamo/run-lease.ts) and nothing else of the table.
   */
  grantRunLease(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Taken and given back by conditional UpdateItem (the item keeps when the last run ended).
        actions: ['dynamodb:UpdateItem'],
        resources: [this.outputTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [LEASE_PARTITION] } },
      }),
    );
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey*');
  }

  /** Scan of the state table: the idle flush walks every symbol to find quiet ones. */
  grantStateScan(grantee: iam.IGrantable): void {
    this.stateTable.grant(grantee, 'dynamodb:Scan');
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
  }
}
