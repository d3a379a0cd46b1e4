import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NAMED_QUERIES, savedQueryText } from '../../shared/query/index.js';
import { DEFAULT_CONFIG } from '../config.js';
import { InvalidPropsError } from '../errors.js';
import { lakeTables, projectionParameters } from './catalog-tables.js';
import type { Lake } from './lake.js';
import { requireIntegerInRange } from './validate.js';
import { validateEngine } from './validate-engine.js';

export interface CatalogProps {
  readonly lake: Lake;
  /** Glue database name (lower case, digits, underscores). */
  readonly databaseName: string;
  /** Athena workgroup name. */
  readonly workGroupName: string;
  /** Interval labels projected as the `interval` enum. @default DEFAULT_CONFIG.intervals */
  readonly intervals?: readonly string[];
  /** First `date` partition (yyyy-MM-dd); the range runs to NOW. @default DEFAULT_CONFIG.lakeStartDate */
  readonly startDate?: string;
  /** Days Athena query results are kept. @default 30 */
  readonly resultRetentionDays?: number;
  /** Bytes one query may scan before Athena cancels it. @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
}

const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

/**
 * The lake's SQL face: a Glue database with one partition-projected Parquet table per lake prefix
 * (no crawler, no MSCK REPAIR), and an Athena workgroup whose settings are enforced: engine 3,
 * SSE-S3-encrypted results in a private TLS-only bucket that expires them, a per-query scan cutoff.
 */
export class Catalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly tables: Record<string, glue.CfnTable> = {};
  readonly workGroup: athena.CfnWorkGroup;
  readonly resultBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const intervals = props.intervals ?? DEFAULT_CONFIG.intervals;
    const startDate = props.startDate ?? DEFAULT_CONFIG.lakeStartDate;
    const retentionDays = props.resultRetentionDays ?? 30;
    const cutoff = props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3;
    validateCatalogProps(props, intervals, startDate, retentionDays, cutoff);
    const account = Stack.of(this).account;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: props.databaseName, description: 'tickflow lake (Parquet, Hive partitions)' },
    });
    for (const spec of lakeTables(intervals, startDate)) {
      const table = new glue.CfnTable(this, `Table-${spec.name}`, {
        catalogId: account,
        databaseName: props.databaseName,
        tableInput: {
          name: spec.name,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'parquet', EXTERNAL: 'TRUE', ...projectionParameters(spec) },
          partitionKeys: spec.partitionKeys.map(({ name, type }) => ({ name, type })),
          storageDescriptor: {
            location: props.lake.bucket.s3UrlForObject(`${spec.name}/`),
            columns: spec.columns.map(({ name, type }) => ({ name, type })),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: PARQUET_SERDE, parameters: { 'serialization.format': '1' } },
          },
        },
      });
      table.node.addDependency(this.database);
      this.tables[spec.name] = table;
    }

    this.resultBucket = new s3.Bucket(this, 'Results', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.lake.accessLogsBucket,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [
        { id: 'expire-results', expiration: Duration.days(retentionDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'tickflow queries over the lake',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultBucket.s3UrlForObject('results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    this.addNamedQueries(props.databaseName);
  }

  /** The named queries of `tickflow query --named`, saved in the workgroup with example parameter values. */
  private addNamedQueries(database: string): void {
    const queries = Object.fromEntries(NAMED_QUERIES.map((q) => [q.name, savedQueryText(q)]));
    for (const [name, queryString] of Object.entries(queries)) {
      const query = new athena.CfnNamedQuery(this, `Query-${name}`, {
        name: `tickflow: ${name}`,
        description: NAMED_QUERIES.find((q) => q.name === name)?.description,
        database,
        workGroup: this.workGroup.ref,
        queryString,
      });
      query.node.addDependency(this.workGroup);
    }
  }
}

function validateCatalogProps(
  props: CatalogProps,
  intervals: readonly string[],
  startDate: string,
  retentionDays: number,
  cutoff: number,
): void {
  if (!DATABASE_NAME.test(props.databaseName)) {
    throw new InvalidPropsError(
      'Catalog',
      'databaseName',
      props.databaseName,
      'use lower-case letters, digits and underscores (Athena folds names to lower case; no hyphens)',
    );
  }
  if (!ISO_DATE.test(startDate) || Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))) {
    throw new InvalidPropsError('Catalog', 'startDate', startDate, 'use a calendar date written yyyy-MM-dd');
  }
  validateEngine('Catalog', { ...DEFAULT_CONFIG, intervals });
  requireIntegerInRange('Catalog', 'resultRetentionDays', retentionDays, 1, 3650, 'days');
  requireIntegerInRange(
    'Catalog',
    'bytesScannedCutoffPerQuery',
    cutoff,
    10_000_000,
    Number.MAX_SAFE_INTEGER,
    'bytes, at least 10 MB',
  );
}
