import type { EventSourceMappingSettings } from '../../infra/config.js';
import { type AwsClientConfig, createKinesisClient } from '../../shared/adapters/aws-clients.js';
import {
  KinesisPublisher,
  type PublishStats,
  putRecordsWith,
} from '../../shared/adapters/kinesis-publisher.js';
import type { StreamHandler } from '../../shared/adapters/stream-event.js';
import { publishWatermarkMarks } from '../../shared/adapters/watermark-publisher.js';
import type { WatermarkMark } from '../../shared/domain/watermark-mark.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import type { EventSourceMappingStats, OnFailureRecord } from '../esm-runner.js';
import { EventSourceMappingRunner } from '../esm-runner.js';
import type { KafkaOnFailureRecord } from '../kafka-esm-runner.js';

/**
 * The stream of a local run: what the producer publishes to, the idle flush puts its marks on, and the
 * consumers read through an event source mapping with Lambda's semantics: Kinesis (kinesalite, below)
 * or Kafka (a local broker, `kafka-stream.ts`), chosen in `local-run.ts` from the run's options.
 */
export interface LocalStream {
  readonly kind: 'kinesis' | 'kafka';
  /** Publishes the producer's records (packed and paced as asked); resolves once every one is put. */
  publish(
    records: AsyncIterable<ProducerRecord> | Iterable<ProducerRecord>,
    options: PublishOptions,
  ): Promise<PublishStats>;
  /** Puts the idle flush's watermark marks on the stream, each in its symbol's shard or partition. */
  publishMarks(marks: readonly WatermarkMark[]): Promise<unknown>;
  /** Starts one function's event source mapping on the stream. */
  consume(consumer: ConsumerSpec): Promise<RunningConsumer>;
  close(): void;
}

/** What an event source mapping sends to the on-failure destination: Kinesis' or Kafka's record. */
export type StreamFailureRecord = OnFailureRecord | KafkaOnFailureRecord;

export interface PublishOptions {
  readonly maxTicksPerRecord: number;
  /** Ticks per second; unlimited when absent. */
  readonly ticksPerSecond?: number;
  readonly onProgress?: (stats: Readonly<PublishStats>) => void;
}

/** One consumer of the stream: a function's handler and its event source mapping. */
export interface ConsumerSpec {
  readonly functionName: string;
  /** A handler of either transport's events (`functions/` handlers are). */
  readonly handler: StreamHandler;
  readonly mapping: EventSourceMappingSettings;
  readonly retryBackoff: { readonly initialMs: number; readonly maxMs: number };
  /** Seed of the re-split of retried batches under chaos; absent without chaos. */
  readonly chaosSeed?: number;
  readonly onFailure: (record: StreamFailureRecord) => Promise<void>;
  readonly onBatch: (outcome: { readonly durationMs: number }) => void;
}

export interface RunningConsumer {
  readonly stats: Readonly<EventSourceMappingStats>;
  waitUntilIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** The emulated Kinesis stream; every request through `clientConfig` is metered by its meter. */
export function kinesisStream(clientConfig: AwsClientConfig, streamName: string): LocalStream {
  const kinesis = createKinesisClient(clientConfig);
  const putRecords = putRecordsWith(kinesis);
  return {
    kind: 'kinesis',
    publish: (records, options) =>
      new KinesisPublisher({
        streamName,
        putRecords,
        maxTicksPerRecord: options.maxTicksPerRecord,
        rateLimit: options.ticksPerSecond ? { perSecond: options.ticksPerSecond, unit: 'ticks' } : undefined,
        onProgress: options.onProgress,
      }).publish(records),
    publishMarks: (marks) => publishWatermarkMarks(putRecords, streamName, marks),
    async consume(c) {
      const runner = new EventSourceMappingRunner({
        kinesis,
        streamName,
        functionName: c.functionName,
        handler: c.handler,
        ...c.mapping,
        retryBackoff: c.retryBackoff,
        chaos: c.chaosSeed === undefined ? undefined : { seed: c.chaosSeed, resplit: true },
        onFailure: c.onFailure,
        onBatch: c.onBatch,
      });
      await runner.start();
      return runner;
    },
    close() {
      kinesis.destroy();
    },
  };
}
