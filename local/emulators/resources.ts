import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException as TableNotFound,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceNotFoundException as StreamNotFound,
} from '@aws-sdk/client-kinesis';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  HeadBucketCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type AwsClientConfig,
  createDynamoDbClient,
  createKinesisClient,
  createS3Client,
} from '../../shared/adapters/aws-clients.js';
import type { ResourceNames } from '../../shared/config.js';
import { TABLE_KEYS } from '../../shared/config.js';

/**
 * Creates the resources of `resourceNames()` that are missing at an endpoint (embedded emulators or
 * LocalStack), with the key schemas of `TABLE_KEYS`, so a local run sees what `cdk deploy` creates.
 * Existing resources are left as they are.
 */

const POLL_MS = 50;
const ACTIVE_TIMEOUT_MS = 30_000;

export class ResourceNotReadyError extends Error {
  constructor(
    readonly resource: string,
    readonly status: string | undefined,
    readonly waitedMs: number,
  ) {
    super(`${resource} is still ${status ?? 'unknown'} after ${waitedMs} ms`);
    this.name = 'ResourceNotReadyError';
  }
}

export interface ProvisionedResources {
  readonly streamArn: string;
}

/** Creates the stream (with `shards` shards), the tables, the lake and on-failure buckets; waits until all are ACTIVE. */
export async function ensureResources(
  config: AwsClientConfig,
  names: ResourceNames,
  shards: number,
): Promise<ProvisionedResources> {
  const kinesis = createKinesisClient(config);
  const dynamodb = createDynamoDbClient(config);
  const s3 = createS3Client(config);
  try {
    const [streamArn] = await Promise.all([
      ensureStream(kinesis, names.tickStream, shards),
      ensureTable(dynamodb, names.stateTable, TABLE_KEYS.state.partitionKey),
      // No TTL here: dynalite has none, and readers skip expired log entries by key anyway.
      ensureTable(dynamodb, names.seenIdsTable, TABLE_KEYS.seenIds.partitionKey, TABLE_KEYS.seenIds.sortKey),
      ensureTable(dynamodb, names.outputTable, TABLE_KEYS.outputs.partitionKey, TABLE_KEYS.outputs.sortKey),
      ensureBucket(s3, names.lakeBucket),
      ensureBucket(s3, names.failedBatchesBucket),
    ]);
    return { streamArn };
  } finally {
    kinesis.destroy();
    dynamodb.destroy();
    s3.destroy();
  }
}

async function ensureStream(kinesis: KinesisClient, name: string, shards: number): Promise<string> {
  const describe = () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
  try {
    await describe();
  } catch (err) {
    if (!(err instanceof StreamNotFound)) throw err;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  }
  const summary = await waitFor(`stream ${name}`, async () => {
    const { StreamDescriptionSummary: s } = await describe();
    return { status: s?.StreamStatus, value: s?.StreamARN };
  });
  return summary;
}

async function ensureTable(
  dynamodb: DynamoDBClient,
  name: string,
  partitionKey: string,
  sortKey?: string,
): Promise<void> {
  const describe = () => dynamodb.send(new DescribeTableCommand({ TableName: name }));
  try {
    await describe();
  } catch (err) {
    if (!(err instanceof TableNotFound)) throw err;
    const keys = sortKey ? [partitionKey, sortKey] : [partitionKey];
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: 'S' })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
  }
  await waitFor(`table ${name}`, async () => {
    const { Table } = await describe();
    return { status: Table?.TableStatus, value: name };
  });
}

async function ensureBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw err;
    const region = await s3.config.region();
    // us-east-1 is the one region that rejects an explicit LocationConstraint.
    const location =
      region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
    await s3.send(new CreateBucketCommand({ Bucket: name, ...location }));
  }
}

async function waitFor<T>(
  resource: string,
  probe: () => Promise<{ status: string | undefined; value: T | undefined }>,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const { status, value } = await probe();
    if (status === 'ACTIVE' && value !== undefined) return value;
    const waited = Date.now() - started;
    if (waited > ACTIVE_TIMEOUT_MS) throw new ResourceNotReadyError(resource, status, waited);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
