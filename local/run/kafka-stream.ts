import kafkajs from 'kafkajs';
import { KafkaPublisher, publishWatermarkMarksToKafka } from '../../shared/adapters/kafka/publisher.js';
import { pace } from '../../shared/producer/pacing.js';
import { KafkaEventSourceMappingRunner } from '../kafka-esm-runner.js';
import type { LocalStream } from './stream.js';

/**
 * The tick stream as a Kafka topic on a broker (the local one the run starts, `local/kafka`): keyed
 * by symbol through the idempotent publisher, consumed by the local Kafka event source mapping (one
 * consumer group per function, as Lambda gives each mapping its own), with the same mapping
 * settings as on Kinesis except the parallelization factor, which Kafka mappings do not have (a
 * topic's partitions are its parallelism). Kafka is not metered: MSK bills by broker or cluster
 * hour and storage, not per request (docs/kafka.md).
 */
export async function kafkaStream(
  bootstrap: string,
  topic: string,
  partitions: number,
): Promise<LocalStream> {
  const admin = new kafkajs.Kafka({
    brokers: bootstrap.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return {
    kind: 'kafka',
    publish: (records, options) =>
      new KafkaPublisher({
        bootstrap,
        topic,
        maxTicksPerRecord: options.maxTicksPerRecord,
        ...(options.onProgress && { onProgress: options.onProgress }),
      }).publish(
        options.ticksPerSecond ? pace(records, { kind: 'rate', perSecond: options.ticksPerSecond }) : records,
      ),
    publishMarks: (marks) => publishWatermarkMarksToKafka({ bootstrap }, topic, marks),
    async consume(c) {
      const { parallelizationFactor: _, ...mapping } = c.mapping;
      const runner = new KafkaEventSourceMappingRunner({
        bootstrap,
        topic,
        consumerGroupId: c.functionName,
        functionName: c.functionName,
        handler: c.handler,
        ...mapping,
        retryBackoff: c.retryBackoff,
        ...(c.chaosSeed !== undefined && { chaos: { seed: c.chaosSeed, resplit: true } }),
        onFailure: c.onFailure,
        onBatch: c.onBatch,
      });
      await runner.start();
      return runner;
    },
    close() {},
  };
}
