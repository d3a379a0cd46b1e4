import { isJavaAvailable } from '../../local/jvm/index.js';
import { startLocalKafka } from '../../local/kafka/index.js';
import { type BenchRow, formatCount, type SuiteResult } from '../harness/report.js';
import type { SuiteContext } from '../harness/suite.js';
import { type KeyedMessage, kafkajsClient, platformaticClient } from './clients.js';

const SUITE = 'kafka-client';
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'EUR/USD', 'GBP/USD', 'XAU:USD', 'AAPL', 'NVDA'];

/**
 * For choosing the Node Kafka client (context, no target): the two pure-JavaScript candidates produce
 * the same keyed tick messages (idempotent producer, acks=all, batches of 500) to a local Kafka broker
 * and consume them back in a consumer group, taking turns in one process against one broker. The
 * librdkafka bindings are not in the race: they do not install offline (README, "Decisions").
 */
export async function runKafkaClientBench({ quick, log }: SuiteContext): Promise<SuiteResult> {
  if (!isJavaAvailable()) {
    return { suite: SUITE, rows: [], notes: ['skipped: Java 17+ is needed for the local Kafka broker'] };
  }
  const total = quick ? 20_000 : 200_000;
  const rounds = quick ? 1 : 3;
  const batches = tickBatches(total, 500);
  const kafka = await startLocalKafka({ defaultPartitions: 4 });
  log(`${SUITE}: broker up in ${kafka.startupMs} ms at ${kafka.bootstrap}`);
  const contenders = [kafkajsClient(kafka.bootstrap), platformaticClient(kafka.bootstrap)];
  const produced = contenders.map(() => [] as number[]);
  const consumed = contenders.map(() => [] as number[]);
  const joined = contenders.map(() => [] as number[]);
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, client] of contenders.entries()) {
        const topic = `bench-${i}-${round}`;
        await client.createTopic(topic, 4);
        let t = performance.now();
        await client.produce(topic, batches);
        produced[i]!.push(total / ((performance.now() - t) / 1000));
        const startedAt = Date.now();
        t = performance.now();
        const { firstAt } = await client.consume(topic, total);
        const ms = performance.now() - t;
        joined[i]!.push(firstAt - startedAt);
        consumed[i]!.push(total / ((ms - (firstAt - startedAt)) / 1000));
        log(
          `${SUITE}: ${client.name} round ${round + 1}: produce ${fmt(produced[i]!.at(-1)!)}, consume ${fmt(consumed[i]!.at(-1)!)}`,
        );
      }
    }
  } finally {
    await kafka.stop();
  }
  const rows: BenchRow[] = [];
  rows.push(
    ...contenders.flatMap((client, i) => [
      row(
        `${client.name}: produce ${formatCount(total)} keyed ticks (idempotent, acks=all)`,
        median(produced[i]!),
        median(produced[0]!),
      ),
      row(
        `${client.name}: consume them in a group (after the first message)`,
        median(consumed[i]!),
        median(consumed[0]!),
        {
          joinMs: median(joined[i]!),
        },
      ),
    ]),
  );
  return {
    suite: SUITE,
    rows,
    notes: [
      `median of ${rounds} round(s); each round the clients take turns on fresh 4-partition topics of one local Kafka ${kafka.bootstrap.split(':')[0]} broker; ratio = this client / kafkajs`,
      `time to the first message of a consumer group (join + first fetch): ${contenders.map((c, i) => `${c.name} ${median(joined[i]!).toFixed(0)} ms`).join(', ')}`,
    ],
  };
}

function row(
  name: string,
  perSecond: number,
  kafkajsPerSecond: number,
  extra: Record<string, number> = {},
): BenchRow {
  return {
    suite: SUITE,
    name,
    ours: `${fmt(perSecond)}`,
    reference: `kafkajs ${fmt(kafkajsPerSecond)}`,
    ratio: perSecond / kafkajsPerSecond,
    target: 'context',
    status: 'info',
    values: { messagesPerSecond: perSecond, ...extra },
  };
}

function fmt(perSecond: number): string {
  return `${formatCount(Math.round(perSecond))} msg/s`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Ticks as the publisher sends them: one JSON object per message, keyed by symbol. */
function tickBatches(total: number, size: number): KeyedMessage[][] {
  const batches: KeyedMessage[][] = [];
  for (let i = 0; i < total; i += size) {
    const batch: KeyedMessage[] = [];
    for (let j = i; j < Math.min(total, i + size); j++) {
      const symbol = SYMBOLS[j % SYMBOLS.length]!;
      const tick = {
        symbol,
        ts: 1_700_000_000_000 + j,
        price: 100 + (j % 97) / 10,
        size: 1 + (j % 7),
        id: `t${j}`,
      };
      batch.push({ key: Buffer.from(symbol), value: Buffer.from(JSON.stringify(tick)) });
    }
    batches.push(batch);
  }
  return batches;
}
