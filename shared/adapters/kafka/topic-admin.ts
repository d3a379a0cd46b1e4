import kafkajs, { type Admin } from 'kafkajs';
import { type KafkaConnection, kafkaClientConfig } from './connection.js';

/** A topic and the partitions it should have. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
}

/** What a topic has after {@link ensureTopic}: whether this call created it, and its partitions. */
export interface TopicState {
  readonly topic: string;
  readonly partitions: number;
  readonly created: boolean;
}

/**
 * A partition count Kafka cannot give: fewer partitions than the topic already has were asked for,
 * or the cluster refused to add them. Carries the topic, what it has and what was asked.
 */
export class TopicPartitionsError extends Error {
  constructor(
    readonly topic: string,
    readonly current: number,
    readonly requested: number,
    reason: string,
  ) {
    super(`topic "${topic}" has ${current} partitions, ${requested} were asked for: ${reason}`);
    this.name = 'TopicPartitionsError';
  }
}

/**
 * Makes `spec.topic` exist with at least `spec.partitions` partitions over Kafka's admin protocol,
 * idempotently: a missing topic is created (the cluster's default replication), one with fewer
 * partitions gets more, one with as many or more is left as it is. `previous` is the spec the topic
 * was last made with (a CloudFormation update): asking for fewer partitions than that is refused,
 * because Kafka cannot remove partitions and the consumers' parallelism would silently stay higher.
 *
 * @example
 * await ensureTopic(connection, { topic: 'ticks', partitions: 8 }, { topic: 'ticks', partitions: 4 });
 */
export async function ensureTopic(
  connection: KafkaConnection,
  spec: TopicSpec,
  previous?: TopicSpec,
): Promise<TopicState> {
  if (previous?.topic === spec.topic && spec.partitions < previous.partitions) {
    throw new TopicPartitionsError(
      spec.topic,
      previous.partitions,
      spec.partitions,
      'Kafka cannot remove partitions; keep the count (or raise it), or use a new topic name',
    );
  }
  return withAdmin(connection, async (admin) => {
    const current = await partitionsOf(admin, spec.topic);
    if (current === undefined) {
      await admin.createTopics({
        topics: [{ topic: spec.topic, numPartitions: spec.partitions }],
        waitForLeaders: true,
      });
      // A concurrent creator may have made it first (createTopics then reports false): read it back.
      const made = await partitionsOf(admin, spec.topic);
      if (made === undefined) throw new Error(`topic "${spec.topic}" was created but is not listed`);
      return grow(admin, spec, made, true);
    }
    return grow(admin, spec, current, false);
  });
}

async function grow(admin: Admin, spec: TopicSpec, current: number, created: boolean): Promise<TopicState> {
  if (current >= spec.partitions) return { topic: spec.topic, partitions: current, created };
  try {
    await admin.createPartitions({ topicPartitions: [{ topic: spec.topic, count: spec.partitions }] });
  } catch (err) {
    throw new TopicPartitionsError(spec.topic, current, spec.partitions, (err as Error).message);
  }
  return { topic: spec.topic, partitions: spec.partitions, created };
}

/** Deletes `topic` and its records; a topic that does not exist is already deleted. Returns whether it existed. */
export async function deleteTopic(connection: KafkaConnection, topic: string): Promise<boolean> {
  return withAdmin(connection, async (admin) => {
    if ((await partitionsOf(admin, topic)) === undefined) return false;
    await admin.deleteTopics({ topics: [topic] });
    return true;
  });
}

/** The partitions of `topic`, or undefined when the cluster has no such topic. */
async function partitionsOf(admin: Admin, topic: string): Promise<number | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return undefined;
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length;
}

async function withAdmin<T>(connection: KafkaConnection, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new kafkajs.Kafka({
    ...kafkaClientConfig(connection, 'tickflow-topic-admin'),
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
