/**
 * The trial cluster's topic resource (shared/adapters/kafka/topic-resource.ts) against a real Kafka
 * broker (local/kafka), over the same admin protocol it speaks to MSK Serverless: CloudFormation's
 * Create, a repeated Create, an Update raising the partitions, an Update lowering them (refused), a
 * rename, and Delete. MSK's IAM sign-in cannot run here (the token is checked in
 * test/unit/adapters/kafka-connection.test.ts); the broker's plaintext listener stands in for it.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKafka, startLocalKafka } from '../../local/kafka/index.js';
import { TopicPartitionsError } from '../../shared/adapters/kafka/topic-admin.js';
import { onTopicEvent } from '../../shared/adapters/kafka/topic-resource.js';

let kafka: LocalKafka;
beforeAll(async () => {
  kafka = await startLocalKafka();
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
});

const props = (Topic: string, partitions: number) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  Topic,
  Partitions: String(partitions),
  BootstrapServers: kafka.bootstrap,
});
const common = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  ResponseURL: 'https://example.com/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Tickflow/1',
  RequestId: 'r-1',
  LogicalResourceId: 'Topic',
  ResourceType: 'Custom::KafkaTopic',
};
const create = (topic: string, partitions: number) =>
  ({
    ...common,
    RequestType: 'Create',
    ResourceProperties: props(topic, partitions),
  }) as CloudFormationCustomResourceEvent;
const update = (topic: string, partitions: number, old: [string, number]) =>
  ({
    ...common,
    RequestType: 'Update',
    PhysicalResourceId: old[0],
    ResourceProperties: props(topic, partitions),
    OldResourceProperties: props(...old),
  }) as CloudFormationCustomResourceEvent;
const remove = (topic: string, partitions: number) =>
  ({
    ...common,
    RequestType: 'Delete',
    PhysicalResourceId: topic,
    ResourceProperties: props(topic, partitions),
  }) as CloudFormationCustomResourceEvent;

const plaintext = (bootstrap: string) => ({ bootstrap });
const run = (event: CloudFormationCustomResourceEvent) => onTopicEvent(event, plaintext);

/** The topic's partitions as the broker reports them, or undefined when it has no such topic. */
async function partitionsOnBroker(topic: string): Promise<number | undefined> {
  const admin = new kafkajs.Kafka({ brokers: [kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;
  } finally {
    await admin.disconnect();
  }
}

describe('the trial topic resource on a real broker', () => {
  it('creates the topic with its partitions, and a repeated Create succeeds without touching it', async () => {
    expect(await run(create('trial-a', 3))).toEqual({
      PhysicalResourceId: 'trial-a',
      Data: { Topic: 'trial-a', Partitions: 3 },
    });
    expect(await partitionsOnBroker('trial-a')).toBe(3);
    // CloudFormation retries a Create whose answer it lost; a topic with more partitions also counts.
    expect((await run(create('trial-a', 3))).Data.Partitions).toBe(3);
    expect((await run(create('trial-a', 2))).Data.Partitions).toBe(3);
    expect(await partitionsOnBroker('trial-a')).toBe(3);
  }, 60_000);

  it('adds partitions on an update that raises them, and on a Create that finds fewer', async () => {
    await run(create('trial-b', 2));
    expect((await run(update('trial-b', 5, ['trial-b', 2]))).Data.Partitions).toBe(5);
    expect(await partitionsOnBroker('trial-b')).toBe(5);
    expect((await run(create('trial-b', 6))).Data.Partitions).toBe(6);
    expect(await partitionsOnBroker('trial-b')).toBe(6);
  }, 60_000);

  it('refuses an update that lowers the partitions, with what the topic has and what was asked, and leaves it as it was', async () => {
    await run(create('trial-c', 4));
    const err = await run(update('trial-c', 2, ['trial-c', 4])).catch((e) => e);
    expect(err).toBeInstanceOf(TopicPartitionsError);
    expect(err).toMatchObject({ topic: 'trial-c', current: 4, requested: 2 });
    expect(err.message).toMatch(/Kafka cannot remove partitions/);
    expect(await partitionsOnBroker('trial-c')).toBe(4);
  }, 60_000);

  it('renames by creating the new topic under a new physical id (CloudFormation then deletes the old one)', async () => {
    await run(create('trial-d', 2));
    expect(await run(update('trial-e', 1, ['trial-d', 2]))).toEqual({
      PhysicalResourceId: 'trial-e',
      Data: { Topic: 'trial-e', Partitions: 1 },
    });
    expect(await partitionsOnBroker('trial-e')).toBe(1);
  }, 60_000);

  it('deletes the topic on Delete, and a repeated Delete of a topic already gone succeeds', async () => {
    await run(create('trial-f', 2));
    await run(remove('trial-f', 2));
    await expect.poll(() => partitionsOnBroker('trial-f'), { timeout: 30_000 }).toBeUndefined();
    await expect(run(remove('trial-f', 2))).resolves.toMatchObject({ PhysicalResourceId: 'trial-f' });
  }, 60_000);
});
