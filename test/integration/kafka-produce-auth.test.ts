/**
 * `tickflow produce --kafka` against listeners that ask for what real clusters ask: a local Kafka
 * broker (local/kafka) with SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; the SCRAM users
 * written at format time), SSL with a certificate this test makes with keytool, and SASL_SSL. Each
 * run must land every record on the topic (counted over the plaintext listener), and a wrong
 * password or an untrusted certificate must fail the run. AWS MSK IAM needs MSK itself; its token is
 * checked in test/unit/adapters/kafka-connection.test.ts. Secrets Manager cannot run here: a local
 * HTTP server answers GetSecretValue in its place (the SDK's request, the service's JSON answer).
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProduceOptions, produce } from '../../cli/commands/produce.js';
import { main } from '../../cli/main.js';
import { type LocalKafka, startLocalKafka } from '../../local/kafka/index.js';
import { KafkaPublisher, publishWatermarkMarksToKafka } from '../../shared/adapters/kafka/publisher.js';
import { watermarkConnection } from '../../shared/adapters/kafka/watermark-connection.js';
import { makeTestCertificate, type TestCertificate } from '../support/tls-cert.js';

const USER = { username: 'producer', password: 'p-secret' };
let kafka: LocalKafka;
let cert: TestCertificate;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tickflow-kafka-auth-'));
  cert = makeTestCertificate(dir);
  kafka = await startLocalKafka({ security: { users: [USER], keyStore: cert.keyStore } });
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let topics = 0;
/** A fresh topic of 2 partitions, over the plaintext listener. */
async function newTopic(): Promise<string> {
  const topic = `auth-${++topics}`;
  const admin = new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/** Records on the topic: the sum of its partitions' high watermarks. */
async function recordsOn(topic: string): Promise<number> {
  const admin = new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

function simulation(topic: string, bootstrap: string): ProduceOptions {
  return {
    kafka: bootstrap,
    topic,
    simulate: true,
    ticks: 300,
    seed: 'auth',
    maxDelay: 5_000,
    pack: 1,
    ordering: 'strict',
  };
}

/** `tickflow produce --kafka BOOTSTRAP --topic TOPIC …flags --simulate --ticks 300 --pack 1`, through the CLI's parser. */
function produceCli(bootstrap: string, topic: string, flags: string[]): Promise<number> {
  return main([
    'produce',
    '--kafka',
    bootstrap,
    '--topic',
    topic,
    ...flags,
    '--simulate',
    '--ticks',
    '300',
    '--pack',
    '1',
  ]);
}

describe('tickflow produce --kafka with credentials', () => {
  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    'SASL %s over SASL_PLAINTEXT: every tick lands on the topic',
    async (mechanism) => {
      const topic = await newTopic();
      const warnings: string[] = [];
      const { publish } = await produce(
        {
          ...simulation(topic, kafka.secure.SASL_PLAINTEXT!),
          kafkaSasl: mechanism,
          kafkaUsername: USER.username,
          kafkaPassword: USER.password,
        },
        (line) => warnings.push(line),
      );
      expect(publish.ticks).toBe(300);
      expect(await recordsOn(topic)).toBe(300);
      expect(warnings.some((w) => w.includes('sends the password in clear'))).toBe(mechanism === 'plain');
    },
  );

  it('TLS with --kafka-ca, through the CLI: the broker’s self-signed certificate is trusted and every tick lands', async () => {
    const topic = await newTopic();
    const code = await produceCli(kafka.secure.SSL!, topic, ['--kafka-ca', cert.caFile]);
    expect(code).toBe(0);
    expect(await recordsOn(topic)).toBe(300);
  });

  it('SCRAM-SHA-512 over TLS (what MSK and Confluent listeners take), password from KAFKA_PASSWORD', async () => {
    const topic = await newTopic();
    process.env.KAFKA_PASSWORD = USER.password;
    try {
      const code = await produceCli(kafka.secure.SASL_SSL!, topic, [
        '--kafka-tls',
        '--kafka-ca',
        cert.caFile,
        '--kafka-sasl',
        'scram-sha-512',
        '--kafka-username',
        USER.username,
      ]);
      expect(code).toBe(0);
    } finally {
      delete process.env.KAFKA_PASSWORD;
    }
    expect(await recordsOn(topic)).toBe(300);
  });

  describe('credentials from a Secrets Manager secret', () => {
    let server: Server;
    const requests: { target: string; scope: string | undefined; body: Record<string, unknown> }[] = [];
    const saved = { ...process.env };
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => {
          requests.push({
            target: String(req.headers['x-amz-target']),
            // Credential=KEY/DATE/REGION/SERVICE/aws4_request
            scope: req.headers.authorization?.match(/Credential=[^/]+\/\d+\/([^/]+\/[^/]+)\//)?.[1],
            body: JSON.parse(body),
          });
          res.setHeader('content-type', 'application/x-amz-json-1.1');
          res.end(JSON.stringify({ ARN: 'arn', Name: 'kafka', SecretString: JSON.stringify(USER) }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
    });
    afterAll(async () => {
      process.env = saved;
      await new Promise((resolve) => server.close(resolve));
    });

    it('SCRAM-SHA-256 with --kafka-secret ARN: the secret is read in the ARN’s region and its credentials accepted', async () => {
      const topic = await newTopic();
      const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_tickflow-AbCdEf';
      const { publish } = await produce(
        { ...simulation(topic, kafka.secure.SASL_PLAINTEXT!), kafkaSasl: 'scram-sha-256', kafkaSecret: arn },
        () => {},
      );
      expect(publish.ticks).toBe(300);
      expect(await recordsOn(topic)).toBe(300);
      expect(requests).toEqual([
        {
          target: 'secretsmanager.GetSecretValue',
          scope: 'eu-west-1/secretsmanager',
          body: { SecretId: arn },
        },
      ]);
    });
  });

  it('a wrong password fails the run with the broker’s authentication error, and nothing lands', async () => {
    const topic = await newTopic();
    await expect(
      produce(
        {
          ...simulation(topic, kafka.secure.SASL_PLAINTEXT!),
          kafkaSasl: 'scram-sha-512',
          kafkaUsername: USER.username,
          kafkaPassword: 'wrong',
        },
        () => {},
      ),
    ).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/i);
    expect(await recordsOn(topic)).toBe(0);
  });

  it('TLS without the CA file fails on the self-signed certificate, and nothing lands', async () => {
    const topic = await newTopic();
    await expect(
      produce({ ...simulation(topic, kafka.secure.SSL!), kafkaTls: true }, () => {}),
    ).rejects.toThrow(/self[- ]signed certificate/i);
    expect(await recordsOn(topic)).toBe(0);
  });
});

describe('the deployed idle flush on Kafka (functions/materializer)', () => {
  it('puts each watermark mark in its symbol’s partition, over SASL_SSL with the CA and the credentials from their secrets', async () => {
    const topic = await newTopic();
    const secrets: Record<string, string> = {
      'ca-arn': JSON.stringify({ certificate: readFileSync(cert.caFile, 'utf8') }),
      'scram-arn': JSON.stringify(USER),
    };
    const connection = await watermarkConnection(
      {
        kind: 'kafka',
        topic,
        bootstrap: kafka.secure.SASL_SSL!,
        auth: 'scram-sha-512',
        secretArn: 'scram-arn',
        rootCaSecretArn: 'ca-arn',
      },
      'eu-west-1',
      async (arn) => secrets[arn]!,
    );
    const symbols = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XAU:USD', 'EUR/USD'];
    // A tick per symbol through the plaintext listener, then the marks through the secured one.
    await new KafkaPublisher({ bootstrap: kafka.bootstrap, topic }).publish(
      symbols.map((symbol) => ({ partitionKey: symbol, payload: { symbol, ts: 1, price: 1, size: 1 } })),
    );
    const stats = await publishWatermarkMarksToKafka(
      connection,
      topic,
      symbols.map((symbol) => ({ symbol, watermark: 60_000 })),
    );
    expect(stats.records).toBe(symbols.length);

    const partitionsOf = new Map<string, Set<number>>();
    const consumer = new kafkajs.Kafka({
      brokers: [kafka.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    }).consumer({
      groupId: `marks-${topic}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const key = message.key!.toString();
          partitionsOf.set(key, (partitionsOf.get(key) ?? new Set()).add(partition));
          if (++seen === 2 * symbols.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    // Each symbol's tick and mark share one partition: the mark comes after the symbol's ticks.
    expect([...partitionsOf.keys()].sort()).toEqual([...symbols].sort());
    for (const partitions of partitionsOf.values()) expect(partitions.size).toBe(1);
  });
});
