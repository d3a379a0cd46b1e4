import { Arn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cassandra from 'aws-cdk-lib/aws-cassandra';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BARS_TABLE, DEFAULT_KEYSPACE, DEFAULT_TTL_S } from '../../shared/adapters/serving/config.js';
import { SERVING_ENV } from '../../shared/adapters/serving/env.js';
import {
  CLUSTERING_KEY,
  KEYSPACE_NAME,
  PARTITION_KEY,
  REGULAR_COLUMNS,
} from '../../shared/adapters/serving/schema.js';
import { DEFAULT_FORMING_UPSERT_PERIOD_MS, HANDLER_ENV } from '../../shared/config.js';
import { InvalidPropsError } from '../errors.js';
import { requireIntegerInRange } from './validate.js';

export interface ServingStoreProps {
  /** @default 'tickflow' */
  readonly keyspaceName?: string;
  /**
   * Table default TTL in seconds. Writers set a TTL per interval (`USING TTL`), which needs TTL turned
   * on for the table; a non-zero default does that.
   * @default 30 days
   */
  readonly defaultTimeToLiveSeconds?: number;
  /**
   * Customer-managed KMS key for the table.
   * @default an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Processing time between two forming-bar upserts of one symbol and interval (each a lightweight
   * transaction); final bars are written as they close.
   * @default DEFAULT_FORMING_UPSERT_PERIOD_MS (10 s)
   */
  readonly formingUpsertPeriodMs?: number;
}

/** 10 years: Keyspaces' ceiling for a TTL. */
const MAX_TTL_S = 630_720_000;

/**
 * The serving store in Amazon Keyspaces: keyspace `tickflow` and table `bars` keyed
 * ((symbol, interval, day), window_start DESC) — the same schema the local Cassandra gets from
 * `shared/adapters/serving/schema.ts` — on-demand, point-in-time recovery, encrypted at rest, TTL on.
 */
export class ServingStore extends Construct {
  readonly keyspace: cassandra.CfnKeyspace;
  readonly table: cassandra.CfnTable;
  readonly keyspaceName: string;
  readonly tableName = BARS_TABLE;
  readonly formingUpsertPeriodMs: number;
  readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ServingStoreProps = {}) {
    super(scope, id);
    const keyspaceName = props.keyspaceName ?? DEFAULT_KEYSPACE;
    const ttl = props.defaultTimeToLiveSeconds ?? DEFAULT_TTL_S;
    if (!KEYSPACE_NAME.test(keyspaceName)) {
      throw new InvalidPropsError(
        'ServingStore',
        'keyspaceName',
        keyspaceName,
        'use 1-48 letters, digits or _, starting with a letter',
      );
    }
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_S) {
      throw new InvalidPropsError(
        'ServingStore',
        'defaultTimeToLiveSeconds',
        ttl,
        `use whole seconds in 1..${MAX_TTL_S} (TTL must be on for per-interval retention)`,
      );
    }
    this.keyspaceName = keyspaceName;
    this.formingUpsertPeriodMs = props.formingUpsertPeriodMs ?? DEFAULT_FORMING_UPSERT_PERIOD_MS;
    requireIntegerInRange(
      'ServingStore',
      'formingUpsertPeriodMs',
      this.formingUpsertPeriodMs,
      0,
      3_600_000,
      'ms between forming-bar upserts of one symbol and interval, up to 1 hour',
    );
    this.encryptionKey = props.encryptionKey;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.keyspace = new cassandra.CfnKeyspace(this, 'Keyspace', { keyspaceName });
    this.keyspace.applyRemovalPolicy(removalPolicy);

    const column = (c: { name: string; type: string }) => ({ columnName: c.name, columnType: c.type });
    this.table = new cassandra.CfnTable(this, 'Bars', {
      keyspaceName,
      tableName: BARS_TABLE,
      partitionKeyColumns: PARTITION_KEY.map(column),
      clusteringKeyColumns: [{ column: column(CLUSTERING_KEY.column), orderBy: CLUSTERING_KEY.order }],
      regularColumns: REGULAR_COLUMNS.map(column),
      billingMode: { mode: 'ON_DEMAND' },
      pointInTimeRecoveryEnabled: true,
      defaultTimeToLive: ttl,
      encryptionSpecification: props.encryptionKey
        ? { encryptionType: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyIdentifier: props.encryptionKey.keyArn }
        : { encryptionType: 'AWS_OWNED_KMS_KEY' },
    });
    this.table.node.addDependency(this.keyspace);
    this.table.applyRemovalPolicy(removalPolicy);
  }

  /** ARN of the bars table (`…:/keyspace/<ks>/table/bars`). */
  get tableArn(): string {
    return Arn.format(
      { service: 'cassandra', resource: `/keyspace/${this.keyspaceName}/table/${BARS_TABLE}` },
      Stack.of(this),
    );
  }

  /**
   * Lets a writer upsert and read bars: `cassandra:Modify` and `cassandra:Select` on this table only,
   * plus `cassandra:Select` on the system keyspaces, which every driver reads when it connects
   * (peers, schema). With a customer key, also encrypt/decrypt with it.
   */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['cassandra:Modify', 'cassandra:Select'],
      resourceArns: [this.tableArn],
    });
    // A table's ARN is …/keyspace/NAME/table/TABLE: the keyspace's own pattern (ending in "/")
    // matches no table, so the system tables need their own.
    const systemPatterns = ['system*/', 'system*/table/*'];
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['cassandra:Select'],
      resourceArns: systemPatterns.map((p) => this.arnPattern(p)),
    });
    const principal = grantee.grantPrincipal;
    if (principal instanceof Construct) {
      for (const p of systemPatterns) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${this.nagArnPattern(p)}]`,
          reason:
            'Read-only Select on the Cassandra system keyspaces and their tables (system.local, system.peers, system_schema.*…), which every driver reads to connect; no data keyspace matches.',
        });
      }
    }
    this.encryptionKey?.grantEncryptDecrypt(grantee);
    return grant;
  }

  /**
   * The environment a handler needs to reach this store (read by `servingConfigFromEnv`): Keyspaces in
   * the function's own region (`AWS_REGION`, which Lambda sets), this keyspace.
   */
  environment(): Record<string, string> {
    return {
      [SERVING_ENV.kind]: 'keyspaces',
      [SERVING_ENV.keyspace]: this.keyspaceName,
      [HANDLER_ENV.formingUpsertPeriodMs]: String(this.formingUpsertPeriodMs),
    };
  }

  /** The ARN as cdk-nag prints it in a finding (pseudo parameters in angle brackets). */
  private nagArnPattern(path: string): string {
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    return `arn:<AWS::Partition>:cassandra:${region}:${account}:/keyspace/${path}`;
  }

  /** The ARN of `/keyspace/<path>` in this stack's account and region. */
  private arnPattern(path: string): string {
    return Arn.format({ service: 'cassandra', resource: `/keyspace/${path}` }, Stack.of(this));
  }
}
