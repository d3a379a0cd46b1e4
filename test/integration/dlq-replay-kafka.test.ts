/**
 * `tickflow dlq replay --kafka` on the local Kafka broker: a consumer whose every invocation fails gives
 * its batches up to the on-failure destination in Lambda's Kafka object format (the local event source
 * mapping's records, written as the local run writes them); the replay puts their records on a topic
 * with their keys, so each key's records arrive in one partition in their order, byte for byte; a
 * second replay sends nothing.
 *
 * `--env` on a self-managed Kafka source finds everything from the environment and its stack: the
 * bucket from the stack's output `FailedBatchesBucketName` (a stack on moto's CloudFormation, the
 * bucket on moto's S3), the topic and brokers from the `source` setting, and the sign-in the deployed
 * idle flush uses: SASL/SCRAM-SHA-512 over TLS with the secret and the root CA secret the mappings
 * read (moto's Secrets Manager), against the broker's SASL_SSL listener with a certificate made here.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { putOnKafka, replay } from '../../cli/commands/dlq.js';
import { resolveConfig } from '../../infra/config.js';
import { type LocalKafka, startLocalKafka } from '../../local/kafka/index.js';
import { KafkaEventSourceMappingRunner } from '../../local/kafka-esm-runner.js';
import { FailureDestination } from '../../local/run/discarded.js';
import { createS3Client } from '../../shared/adapters/aws-clients.js';
import { replayFailedBatches } from '../../shared/adapters/failed-batches/index.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import { KafkaPublisher } from '../../shared/adapters/kafka/publisher.js';
import type { KafkaEvent } from '../../shared/adapters/kafka/records.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { type MotoServer, startMotoServer } from '../support/moto-server.js';
import { makeTestCertificate, type TestCertificate } from '../support/tls-cert.js';

const USER = { username: 'redriver', password: 'r-secret' };
let kafka: LocalKafka;
let moto: MotoServer;
let cert: TestCertificate;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-dlq-kafka-'));
  cert = makeTestCertificate(dir);
  [kafka, moto] = await Promise.all([
    startLocalKafka({ security: { users: [USER], keyStore: cert.keyStore } }),
    startMotoServer(),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), moto?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

/** Every record of a topic as a local event source mapping reads it: key → [partition, value][] in order. */
async function readTopic(topic: string, group: string, expected: number) {
  const byKey = new Map<string, [number, string][]>();
  let seen = 0;
  const esm = new KafkaEventSourceMappingRunner({
    bootstrap: kafka.bootstrap,
    topic,
    consumerGroupId: group,
    batchSize: 100,
    maximumBatchingWindowMs: 20,
    handler: (event: KafkaEvent) => {
      for (const list of Object.values(event.records))
        for (const r of list) {
          const key = Buffer.from(r.key!, 'base64').toString();
          byKey.set(key, [
            ...(byKey.get(key) ?? []),
            [r.partition, Buffer.from(r.value, 'base64').toString()],
          ]);
          seen++;
        }
    },
  });
  await esm.start();
  await esm.waitUntilIdle({ timeoutMs: 60_000 });
  await esm.stop();
  expect(seen).toBe(expected);
  return byKey;
}

/** An aggregator that cannot write (an outage): every batch of `topic` is given up on, whole, to `bucket`. */
async function failEveryBatch(topic: string, group: string, bucket: FileObjectStore | S3ObjectStore) {
  const destination = new FailureDestination(bucket);
  const writes: Promise<void>[] = [];
  const esm = new KafkaEventSourceMappingRunner({
    bootstrap: kafka.bootstrap,
    topic,
    consumerGroupId: group,
    batchSize: 25,
    maximumBatchingWindowMs: 20,
    maximumRetryAttempts: 0,
    retryBackoff: { initialMs: 1, maxMs: 5 },
    onFailure: (r) => void writes.push(destination.send('aggregator', r)),
    handler: () => {
      throw new Error('the state table is unreachable');
    },
  });
  await esm.start();
  await esm.waitUntilIdle({ timeoutMs: 60_000 });
  await esm.stop();
  await Promise.all(writes);
  expect(destination.totals().records).toBe(60);
}

/** 60 ticks of three symbols, keyed by symbol. */
function sixtyTicks(T0: number) {
  return Array.from({ length: 60 }, (_, i) => {
    const symbol = ['AAA', 'BBB', 'CCC'][i % 3]!;
    return {
      partitionKey: symbol,
      payload: { symbol, ts: T0 + i * 500, price: 100 + i, size: 1, id: `${symbol}-${i}` },
    };
  });
}

it('puts the failed Kafka batches back on a topic, each key in one partition in its order, and a second replay sends nothing', {
  timeout: 180_000,
}, async () => {
  await createTopic('ticks', 2);
  await createTopic('redriven', 2);
  const T0 = Date.UTC(2024, 2, 4, 9);
  const records = sixtyTicks(T0);
  await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic: 'ticks' }).publish(records);

  await failEveryBatch('ticks', 'outage', new FileObjectStore(join(dir, 'failed-batches')));

  const store = new FileObjectStore(join(dir, 'failed-batches'));
  const put = putOnKafka({ bootstrap: kafka.bootstrap }, 'redriven');
  const options = { store, put, target: 'kafka' as const, allowedLatenessMs: 0, now: T0 };
  const first = await replayFailedBatches(options);
  expect(first).toMatchObject({ records: 60, ticks: 60, invalid: [] });
  expect(first.batches).toBeGreaterThan(1);

  const byKey = await readTopic('redriven', 'check', 60);
  for (const symbol of ['AAA', 'BBB', 'CCC']) {
    const got = byKey.get(symbol)!;
    expect(new Set(got.map(([p]) => p)).size).toBe(1);
    expect(got.map(([, v]) => v)).toEqual(
      records.filter((r) => r.partitionKey === symbol).map((r) => JSON.stringify(r.payload)),
    );
  }

  // Replayed batches were moved under replayed/.
  expect(await replayFailedBatches(options)).toMatchObject({ batches: 0, records: 0 });
});

it('--env on a self-managed Kafka source: the bucket from the stack outputs, the topic, brokers and SCRAM-over-TLS sign-in from the environment', {
  timeout: 180_000,
}, async () => {
  const saved = { ...process.env };
  // Every AWS client of the command (CloudFormation, S3, Secrets Manager) reaches moto.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
  try {
    const aws = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const s3 = createS3Client();
    const bucket = 'tickflow-kenv-failedbatches-1a2b3c';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await new CloudFormationClient(aws).send(
      new CreateStackCommand({
        StackName: 'Tickflow-kenv',
        TemplateBody: JSON.stringify({
          Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
          Outputs: { FailedBatchesBucketName: { Value: bucket }, KafkaTopic: { Value: 'ticks-env' } },
        }),
      }),
    );
    const secrets = new SecretsManagerClient(aws);
    const secretArn = (
      await secrets.send(new CreateSecretCommand({ Name: 'kenv-scram', SecretString: JSON.stringify(USER) }))
    ).ARN!;
    const rootCaSecretArn = (
      await secrets.send(
        new CreateSecretCommand({
          Name: 'kenv-root-ca',
          SecretString: JSON.stringify({ certificate: readFileSync(cert.caFile, 'utf8') }),
        }),
      )
    ).ARN!;

    await createTopic('ticks-in', 2);
    await createTopic('ticks-env', 2);
    const T0 = Date.UTC(2024, 2, 4, 10);
    const records = sixtyTicks(T0);
    await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic: 'ticks-in' }).publish(records);
    await failEveryBatch('ticks-in', 'outage-env', new S3ObjectStore(s3, bucket));

    // The environment as deployed: its brokers are the SASL_SSL listener, its secrets moto's.
    const environment = {
      name: 'kenv',
      stackName: 'Tickflow-kenv',
      env: { region: 'us-east-1' },
      config: resolveConfig({
        prefix: 'tickflow-kenv',
        source: {
          kind: 'kafka',
          topic: 'ticks-env',
          selfManaged: {
            bootstrapServers: [kafka.secure.SASL_SSL!],
            authentication: 'SASL_SCRAM_512',
            secretArn,
            rootCaSecretArn,
          },
        },
      }),
    };
    const first = await replay({ env: 'kenv', lateness: 0 }, environment);
    expect(first).toMatchObject({ records: 60, ticks: 60, invalid: [] });
    const byKey = await readTopic('ticks-env', 'check-env', 60);
    for (const symbol of ['AAA', 'BBB', 'CCC'])
      expect(byKey.get(symbol)!.map(([, v]) => v)).toEqual(
        records.filter((r) => r.partitionKey === symbol).map((r) => JSON.stringify(r.payload)),
      );
    expect(await replay({ env: 'kenv' }, environment)).toMatchObject({ batches: 0, records: 0 });

    // --stream on a Kafka environment is refused before anything runs.
    await expect(replay({ env: 'kenv', stream: 'ticks' }, environment)).rejects.toThrow(
      '--env kenv reads the Kafka topic ticks-env; --stream puts on Kinesis: drop it',
    );
    s3.destroy();
  } finally {
    process.env = saved;
  }
});
