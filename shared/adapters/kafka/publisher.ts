import kafkajs, { type Producer } from 'kafkajs';
import { type WatermarkMark, watermarkMarkPayload } from '../../domain/watermark-mark.js';
import { SourceReader } from '../../producer/source-reader.js';
import { isTickObject, type ProducerRecord } from '../../producer/types.js';
import { emptyPublishStats, type PublishStats } from '../kinesis-publisher.js';
import { type KafkaConnection, kafkaClientConfig } from './connection.js';

/**
 * Publishes ticks to a Kafka topic, the Kafka twin of `KinesisPublisher`: keyed by symbol (Kafka's
 * default partitioner hashes the key, so a symbol's ticks share one partition), through an
 * idempotent producer with one request in flight, so the broker neither duplicates nor reorders a
 * key's records when the producer retries. Records are sent in requests of up to `requestSize`;
 * with `maxTicksPerRecord` > 1, the ticks of one symbol within a request are packed into one
 * record as a JSON array, in order (the packing the Kinesis publisher does). A live source is read
 * as the Kinesis publisher reads it: a request goes out once `lingerMs` passed after its first
 * record, and nothing more is pulled while a request is in flight.
 */
export interface KafkaPublisherOptions extends KafkaConnection {
  readonly topic: string;
  /** @default 1 */
  readonly maxTicksPerRecord?: number;
  /** Records per produce request. @default 500 */
  readonly requestSize?: number;
  /** How long a slow (live) source may keep a partly filled request waiting for more records. @default 200 */
  readonly lingerMs?: number;
  /** Called after every request with the running totals. */
  readonly onProgress?: (stats: Readonly<PublishStats>) => void;
}

export class KafkaPublisher {
  private readonly producer: Producer;

  constructor(private readonly options: KafkaPublisherOptions) {
    const kafka = new kafkajs.Kafka({
      ...kafkaClientConfig(options, 'tickflow-producer'),
      logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 10 },
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    });
  }

  /** Publishes every record of `source` and resolves with the totals; throws when the broker refuses a request after retries. */
  async publish(source: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>): Promise<PublishStats> {
    const started = performance.now();
    const stats = emptyPublishStats();
    const reader = new SourceReader(source, this.options.lingerMs ?? 200);
    const requestTicks = (this.options.requestSize ?? 500) * (this.options.maxTicksPerRecord ?? 1);
    await this.producer.connect();
    try {
      for (;;) {
        const records = await reader.read(requestTicks, false);
        if (records.length === 0) break;
        await this.send(records, stats);
        stats.durationMs = performance.now() - started;
        this.options.onProgress?.(stats);
      }
    } finally {
      await this.producer.disconnect();
    }
    stats.durationMs = performance.now() - started;
    return stats;
  }

  private async send(records: readonly ProducerRecord[], stats: PublishStats): Promise<void> {
    const messages = pack(records, this.options.maxTicksPerRecord ?? 1);
    // A broker refuses a record batch over `message.max.bytes` (1 MB by default), and a produce
    // request carries one batch per partition: requests of at most REQUEST_BYTES, sent in order.
    let from = 0;
    while (from < messages.length) {
      let to = from;
      let bytes = 0;
      while (to < messages.length && (to === from || bytes + sizeOf(messages[to]!) <= REQUEST_BYTES)) {
        bytes += sizeOf(messages[to]!);
        to++;
      }
      await this.producer.send({ topic: this.options.topic, acks: -1, messages: messages.slice(from, to) });
      stats.requests++;
      stats.bytes += bytes;
      from = to;
    }
    stats.records += messages.length;
    stats.ticks += records.length;
  }
}

/** Bytes per produce request: half of Kafka's default `message.max.bytes`, leaving room for record overhead. */
const REQUEST_BYTES = 512 * 1024;

function sizeOf(m: { key: string; value: string | Buffer }): number {
  return Buffer.byteLength(m.value) + Buffer.byteLength(m.key);
}

/**
 * The request's records grouped by key, each key's ticks packed into JSON arrays of at most `max`
 * in their order; a raw-text record stays alone and in its place among its key's records.
 */
function pack(records: readonly ProducerRecord[], max: number): { key: string; value: string | Buffer }[] {
  const byKey = new Map<string, ProducerRecord[]>();
  for (const r of records) {
    const list = byKey.get(r.partitionKey);
    if (list) list.push(r);
    else byKey.set(r.partitionKey, [r]);
  }
  const out: { key: string; value: string | Buffer }[] = [];
  for (const [key, list] of byKey) {
    let run: ProducerRecord[] = [];
    const flush = () => {
      if (run.length === 1) out.push({ key, value: text(run[0]!) });
      else if (run.length > 1) out.push({ key, value: JSON.stringify(run.map((r) => r.payload)) });
      run = [];
    };
    for (const r of list) {
      if (!isTickObject(r.payload) || max === 1) {
        flush();
        out.push({ key, value: text(r) });
        continue;
      }
      if (run.length >= max) flush();
      run.push(r);
    }
    flush();
  }
  return out;
}

function text(record: ProducerRecord): string | Buffer {
  const p = record.payload;
  if (isTickObject(p)) return JSON.stringify(p);
  return typeof p === 'string' ? p : Buffer.from(p);
}

/**
 * Puts the idle flush's watermark marks on the tick topic, one record each keyed by its symbol, so
 * each lands in its symbol's partition after the ticks already there (as on Kinesis).
 */
export function publishWatermarkMarksToKafka(
  connection: KafkaConnection,
  topic: string,
  marks: readonly WatermarkMark[],
): Promise<PublishStats> {
  return new KafkaPublisher({ ...connection, topic }).publish(
    marks.map((mark) => ({ partitionKey: mark.symbol, payload: watermarkMarkPayload(mark) })),
  );
}
