import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../local/aws-stack.js';
import {
  createDocumentClient,
  createDynamoDbClient,
  createKinesisClient,
  createS3Client,
  resolveClientConfig,
} from '../../shared/adapters/aws-clients.js';
import { resourceNames } from '../../shared/config.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !isAlive(pid);
}

describe('startLocalAws', () => {
  const names = resourceNames('stacktest');
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws({ shards: 3, names });
  });
  afterAll(async () => {
    await aws?.stop();
  });

  it('serves every emulator on 127.0.0.1 from one child process', () => {
    expect(aws.endpoints.kinesis).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.endpoints.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(Object.values(aws.endpoints)).size).toBe(3);
    expect(aws.pid).not.toBe(process.pid);
    expect(isAlive(aws.pid)).toBe(true);
  });

  it('creates the tick stream ACTIVE with the requested shards, reachable by the Kinesis factory', async () => {
    const kinesis = createKinesisClient(aws.clientConfig);
    const { StreamDescriptionSummary: s } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: names.tickStream }),
    );
    expect(s?.StreamStatus).toBe('ACTIVE');
    expect(s?.OpenShardCount).toBe(3);
    expect(s?.StreamARN).toBe(aws.streamArn);
    const put = await kinesis.send(
      new PutRecordCommand({ StreamName: names.tickStream, PartitionKey: 'BTC', Data: Buffer.from('{}') }),
    );
    expect(put.SequenceNumber).toMatch(/^\d+$/);
    kinesis.destroy();
  });

  it('creates the state and outputs tables with the key schemas of TABLE_KEYS', async () => {
    const dynamodb = createDynamoDbClient(aws.clientConfig);
    const state = await dynamodb.send(new DescribeTableCommand({ TableName: names.stateTable }));
    const outputs = await dynamodb.send(new DescribeTableCommand({ TableName: names.outputTable }));
    expect(state.Table?.KeySchema).toEqual([{ AttributeName: 'symbol', KeyType: 'HASH' }]);
    expect(outputs.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const documents = createDocumentClient(aws.clientConfig);
    await documents.send(
      new PutCommand({ TableName: names.stateTable, Item: { symbol: 'BTC', version: 1 } }),
    );
    const { Item } = await documents.send(
      new GetCommand({ TableName: names.stateTable, Key: { symbol: 'BTC' } }),
    );
    expect(Item).toEqual({ symbol: 'BTC', version: 1 });
    documents.destroy();
    dynamodb.destroy();
  });

  it('creates the lake bucket; streamed bodies round-trip and listings paginate', async () => {
    const s3 = createS3Client(aws.clientConfig);
    const body = Buffer.alloc(200_000, 7);
    for (const key of ['bars/a.parquet', 'bars/b.parquet', 'bars/c.parquet']) {
      await s3.send(new PutObjectCommand({ Bucket: names.lakeBucket, Key: key, Body: body }));
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: names.lakeBucket, Key: 'bars/b.parquet' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    const page1 = await s3.send(new ListObjectsV2Command({ Bucket: names.lakeBucket, MaxKeys: 2 }));
    const page2 = await s3.send(
      new ListObjectsV2Command({ Bucket: names.lakeBucket, ContinuationToken: page1.NextContinuationToken }),
    );
    expect([...(page1.Contents ?? []), ...(page2.Contents ?? [])].map((o) => o.Key)).toEqual([
      'bars/a.parquet',
      'bars/b.parquet',
      'bars/c.parquet',
    ]);
    s3.destroy();
  });

  it('stop() ends the child process, removes its temporary data dir and is idempotent', async () => {
    const other = await startLocalAws({ names: resourceNames('stoptest') });
    expect(existsSync(other.dataDir)).toBe(true);
    await other.stop();
    await other.stop();
    expect(await waitUntilGone(other.pid)).toBe(true);
    expect(existsSync(other.dataDir)).toBe(false);
  });
});

/** Starts the stack in a separate Node process (as `tickflow local run` would) and returns both pids. */
async function startStackInAnotherProcess(prefix: string) {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const stack = pathToFileURL(new URL('../../local/aws-stack.ts', import.meta.url).pathname).href;
  const script = `const { startLocalAws } = await import(${JSON.stringify(stack)});
    const { resourceNames } = await import(${JSON.stringify(stack.replace('local/aws-stack.ts', 'shared/config.ts'))});
    const aws = await startLocalAws({ names: resourceNames(${JSON.stringify(prefix)}) });
    process.stdout.write(aws.pid + '\\n');
    setInterval(() => undefined, 1_000);`;
  const parent = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => resolve(code)));
  const childPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    parent.once('exit', () => reject(new Error('the stack process exited before printing the emulator pid')));
  });
  return { parent, childPid, exited };
}

describe('emulator process lifetime', () => {
  it('the emulators exit when the process that started them is killed (SIGKILL)', async () => {
    const { parent, childPid, exited } = await startStackInAnotherProcess('killtest');
    expect(isAlive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    await exited;
    expect(await waitUntilGone(childPid)).toBe(true);
  });

  it('Ctrl-C (SIGINT) stops the emulators and exits with code 130', async () => {
    const { parent, childPid, exited } = await startStackInAnotherProcess('sigint');
    parent.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await waitUntilGone(childPid)).toBe(true);
  });
});

describe('resolveClientConfig', () => {
  it('falls back to AWS_ENDPOINT_URL and dummy credentials when the environment has none', () => {
    const resolved = resolveClientConfig('s3', {}, { AWS_ENDPOINT_URL: 'http://localhost:4566' });
    expect(resolved).toEqual({
      endpoint: 'http://localhost:4566',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  it('prefers the service endpoint and leaves credentials to the SDK chain when a profile is set', () => {
    const resolved = resolveClientConfig(
      'kinesis',
      { endpoint: { kinesis: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:2' } },
      { AWS_REGION: 'eu-west-1', AWS_PROFILE: 'dev', AWS_ENDPOINT_URL: 'http://localhost:4566' },
    );
    expect(resolved).toEqual({ endpoint: 'http://127.0.0.1:1', region: 'eu-west-1' });
  });

  it('uses the real AWS endpoints and the credential chain without an endpoint', () => {
    expect(resolveClientConfig('dynamodb', {}, { AWS_REGION: 'us-west-2' })).toEqual({ region: 'us-west-2' });
  });
});
