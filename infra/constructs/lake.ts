import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MARKS_PREFIX, STAGING_PREFIX } from '../../shared/pipeline/bronze/staging-keys.js';
import { InvalidPropsError } from '../errors.js';
import { acknowledgePrefixGrant, nagArnOf } from './nag.js';
import { requireIntegerInRange } from './validate.js';

/** Top-level table prefixes of the lake (docs/lake.md#layout); grants are made per prefix, never for the whole bucket. */
export const LAKE_PREFIXES = ['bars/', 'ticks/', 'late/', 'quarantine/', 'features/'] as const;
/**
 * Work areas of the bucket that are no table: the bronze writer's staged objects, which the compactor
 * folds into `ticks/` and deletes, and the idle flush's watermark marks it keeps for backfill (`_marks/`). No lifecycle rule expires them (an expired, uncompacted object would
 * lose its ticks); `StagedBacklog` alarms when they pile up.
 */
export const STAGING_PREFIXES = [STAGING_PREFIX, MARKS_PREFIX] as const;
export type LakePrefix = (typeof LAKE_PREFIXES)[number] | (typeof STAGING_PREFIXES)[number];
/**
 * Objects inside one prefix, narrower than the whole prefix: a key (`features/_manifest.json`) or a
 * pattern with `*` (`features/split=*`).
 */
export type LakeKeyPattern = `${LakePrefix}${string}`;

export interface LakeProps {
  /**
   * Physical bucket name (globally unique).
   * @default a name CloudFormation generates
   */
  readonly bucketName?: string;
  /**
   * Customer-managed key for SSE-KMS. Readers (Athena, Glue, notebooks) then need kms:Decrypt too.
   * @default SSE-S3 (S3-managed keys)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bucket that receives the lake's server access logs.
   * @default a new SSE-S3, TLS-only, private bucket whose logs expire after 90 days
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Days a replaced or deleted Parquet file stays recoverable as a non-current version.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * What happens to the lake when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The S3 Parquet lake: private, TLS-only, encrypted, versioned (a rewritten partition file can be
 * recovered), incomplete multipart uploads aborted after a day, server access logs kept.
 *
 * Encryption decision: SSE-S3 by default. Every object is still encrypted at rest, Athena and Glue
 * need no key grants, and reading thousands of small Parquet footers costs no KMS requests; pass
 * `encryptionKey` when a policy demands customer-managed keys.
 */
export class Lake extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.IBucket;
  readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: LakeProps = {}) {
    super(scope, id);
    const noncurrentVersionDays = props.noncurrentVersionDays ?? 30;
    requireIntegerInRange('Lake', 'noncurrentVersionDays', noncurrentVersionDays, 1, 3650, 'days');

    this.encryptionKey = props.encryptionKey;
    this.accessLogsBucket = props.accessLogsBucket ?? this.createAccessLogsBucket();
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(noncurrentVersionDays) },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * Lets `grantee` write (PutObject, AbortMultipartUpload) under the given prefixes only, plus
   * encrypt with the lake key when there is one. Example: `lake.grantWrite(fn, ['bars/', 'late/'])`.
   */
  grantWrite(grantee: iam.IGrantable, prefixes: readonly LakePrefix[]): void {
    this.grantPrefixes(grantee, prefixes, ['s3:PutObject', 's3:AbortMultipartUpload']);
    this.encryptionKey?.grantEncrypt(grantee);
  }

  /** Lets `grantee` read objects under the given prefixes only (and decrypt them). */
  grantReadObjects(grantee: iam.IGrantable, prefixes: readonly LakePrefix[]): void {
    this.grantPrefixes(grantee, prefixes, ['s3:GetObject']);
    this.encryptionKey?.grantDecrypt(grantee);
  }

  /** Lets `grantee` delete objects under the given prefixes only (the compactor's consumed staged objects). */
  grantDeleteObjects(grantee: iam.IGrantable, prefixes: readonly LakePrefix[]): void {
    this.grantPrefixes(grantee, prefixes, ['s3:DeleteObject']);
  }

  /**
   * Lets `grantee` do `actions` on the objects that match `keys` only, for grants narrower than a
   * prefix (the preprocess tasks' split files, summaries and manifest). No key grant: the caller
   * adds the one its actions need.
   */
  grantObjectActions(
    grantee: iam.IGrantable,
    actions: readonly string[],
    keys: readonly LakeKeyPattern[],
  ): void {
    this.grantKeys(grantee, actions, keys);
  }

  /**
   * Lets `grantee` list the bucket's keys (s3:ListBucket on the bucket, no object access). Besides
   * listing, this is what makes S3 answer 404 rather than 403 for a key that does not exist, which
   * readers of optional objects (an hour file not written yet) depend on. S3 checks that permission
   * without an `s3:prefix` in the request context, so it cannot be narrowed by prefix.
   */
  grantListBucket(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
  }

  /**
   * Lets `grantee` list the keys under the given prefixes only (an `s3:prefix` condition). A reader
   * granted this gets 403, not 404, for a key that does not exist: for readers that only open the
   * keys they listed.
   */
  grantListPrefixes(grantee: iam.IGrantable, prefixes: readonly LakePrefix[]): void {
    this.requirePrefixes(prefixes);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    });
  }

  private grantPrefixes(grantee: iam.IGrantable, prefixes: readonly LakePrefix[], actions: string[]): void {
    this.requirePrefixes(prefixes);
    this.grantKeys(
      grantee,
      actions,
      prefixes.map((prefix) => `${prefix}*` as const),
    );
  }

  /** The one place object grants on the lake are written, each wildcard acknowledged for cdk-nag. */
  private grantKeys(grantee: iam.IGrantable, actions: readonly string[], keys: readonly string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: keys.map((key) => this.bucket.arnForObjects(key)),
    });
    const principal = grantee.grantPrincipal;
    if (principal instanceof Construct) {
      for (const key of keys.filter((k) => k.includes('*'))) {
        acknowledgePrefixGrant(principal, `${nagArnOf(this.bucket)}/${key}`);
      }
    }
  }

  private requirePrefixes(prefixes: readonly LakePrefix[]): void {
    if (prefixes.length === 0) {
      throw new InvalidPropsError(
        'Lake',
        'prefixes',
        prefixes,
        `name at least one of ${[...LAKE_PREFIXES, ...STAGING_PREFIXES].join(', ')}`,
      );
    }
  }

  private createAccessLogsBucket(): s3.Bucket {
    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access-log destination; logging it into itself would loop.',
    });
    return logs;
  }
}
