import type { MSKEvent, MSKRecord, MSKRecordHeader, SelfManagedKafkaEvent } from 'aws-lambda';

/**
 * Builds Kafka events exactly as Lambda delivers them to a function behind an Amazon MSK or a
 * self-managed Kafka event source mapping (https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html): records grouped under
 * `<topic>-<partition>`, key and value base64, headers as arrays of byte values.
 */

/** A message as a Kafka client returns it. */
export interface FetchedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string | number;
  /** Epoch ms (Kafka clients return it as a decimal string). */
  readonly timestamp: string | number;
  readonly key?: Buffer | null;
  readonly value?: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | string | undefined>>;
}

export type KafkaEventSource =
  | { readonly kind: 'msk'; readonly clusterArn: string; readonly bootstrapServers: string }
  | { readonly kind: 'self-managed'; readonly bootstrapServers: string };

export function toKafkaRecord(m: FetchedMessage): MSKRecord {
  const headers: MSKRecordHeader[] = Object.entries(m.headers ?? {})
    .filter((e): e is [string, Buffer | string] => e[1] !== undefined)
    .map(([name, v]) => ({ [name]: [...Buffer.from(v)] }));
  const record: MSKRecord = {
    topic: m.topic,
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    timestampType: 'CREATE_TIME',
    // A message without a key or value has no such field in Lambda's event.
    key: m.key ? m.key.toString('base64') : (undefined as unknown as string),
    value: m.value ? m.value.toString('base64') : (undefined as unknown as string),
    headers,
  };
  if (!m.key) delete (record as Partial<MSKRecord>).key;
  if (!m.value) delete (record as Partial<MSKRecord>).value;
  return record;
}

/** The `records` map of a Kafka event: `<topic>-<partition>` → records in offset order. */
export function groupByPartition(records: readonly MSKRecord[]): Record<string, MSKRecord[]> {
  const out: Record<string, MSKRecord[]> = {};
  for (const r of records) {
    const key = `${r.topic}-${r.partition}`;
    const list = out[key] ?? [];
    list.push(r);
    out[key] = list;
  }
  return out;
}

export function toKafkaEvent(
  records: readonly MSKRecord[],
  source: KafkaEventSource,
): MSKEvent | SelfManagedKafkaEvent {
  const grouped = groupByPartition(records);
  return source.kind === 'msk'
    ? {
        eventSource: 'aws:kafka',
        eventSourceArn: source.clusterArn,
        bootstrapServers: source.bootstrapServers,
        records: grouped,
      }
    : { eventSource: 'SelfManagedKafka', bootstrapServers: source.bootstrapServers, records: grouped };
}
