import { Admin, Consumer, Producer } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { installPromiseWithResolvers } from '../../local/preprocess/polyfill.js';

/**
 * The two pure-JavaScript Kafka clients that install offline, behind one small interface so the
 * bench drives them alike: create a topic, produce keyed messages in batches with the idempotent
 * producer, and consume a topic from the start in a consumer group until a count is reached.
 */
export interface ClientUnderTest {
  readonly name: string;
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Sends the batches one after the other (each awaited: acknowledged by the broker). */
  produce(topic: string, batches: readonly KeyedMessage[][]): Promise<void>;
  /** Resolves once `count` messages were received; returns when the first arrived (ms since epoch). */
  consume(topic: string, count: number): Promise<{ firstAt: number }>;
}

export interface KeyedMessage {
  readonly key: Buffer;
  readonly value: Buffer;
}

export function kafkajsClient(bootstrap: string): ClientUnderTest {
  const kafka = new kafkajs.Kafka({
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    clientId: 'bench',
  });
  return {
    name: 'kafkajs 2.2.4',
    async createTopic(topic, partitions) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
      await admin.disconnect();
    },
    async produce(topic, batches) {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      for (const messages of batches) await producer.send({ topic, messages, acks: -1 });
      await producer.disconnect();
    },
    async consume(topic, count) {
      const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let seen = 0;
      let firstAt = 0;
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: async ({ batch }) => {
            if (seen === 0) firstAt = Date.now();
            seen += batch.messages.length;
            if (seen >= count) resolve();
          },
        });
      });
      await done;
      await consumer.disconnect();
      return { firstAt };
    },
  };
}

/** @platformatic/kafka 2 declares Node >= 22.22 and calls `Promise.withResolvers` (Node 22): polyfilled on Node 20. */
export function platformaticClient(bootstrap: string): ClientUnderTest {
  installPromiseWithResolvers();
  const base = { clientId: 'bench', bootstrapBrokers: [bootstrap] };
  return {
    name: '@platformatic/kafka 2.12.1',
    async createTopic(topic, partitions) {
      const admin = new Admin(base);
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
      await admin.close();
    },
    async produce(topic, batches) {
      const producer = new Producer({ ...base, idempotent: true });
      for (const messages of batches)
        await producer.send({ messages: messages.map((m) => ({ ...m, topic })) });
      await producer.close();
    },
    async consume(topic, count) {
      const consumer = new Consumer({ ...base, groupId: `bench-${topic}`, maxWaitTime: 100 });
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      let seen = 0;
      let firstAt = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('data', () => {
          if (seen === 0) firstAt = Date.now();
          seen += 1;
          if (seen === count) resolve();
        });
      });
      await stream.close();
      await consumer.close(true);
      return { firstAt };
    },
  };
}
