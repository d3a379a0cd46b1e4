/**
 * Market alerts as the deployed materializer sends them, against real local services: the outputs
 * table on dynalite, the lake on s3rver, and SNS and SQS on moto's server (`moto_server`, Python; no npm
 * package serves the SNS API). The round rewrites the changed partitions, scans them and publishes each
 * alert to the topic (a round whose publishing fails leaves it to the next); an SQS queue subscribed to the topic receives exactly the injected anomalies, with
 * the symbol, the bar and the threshold in the message, and a second queue whose filter policy asks for
 * quiet feeds only gets those. A round that finds the same alerts again publishes nothing. And over a
 * stream fed round by round, a symbol that falls silent and stays silent is alerted while it is silent
 * (judged from its newest tick in the state table), once, and every other anomaly once too.
 */

import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type LocalAws, pipelineResources, startLocalAws } from '../../local/aws-stack.js';
import { createDocumentClient } from '../../shared/adapters/aws-clients.js';
import { marketWatchFromEnv } from '../../shared/adapters/market-watch-env.js';
import { wirePipeline } from '../../shared/adapters/pipeline-wiring.js';
import type { AlertMessageBody } from '../../shared/adapters/sns/alert-publisher.js';
import { HANDLER_ENV } from '../../shared/config.js';
import { aggregateAll } from '../../shared/domain/aggregate-all.js';
import { aggregatorConfig } from '../../shared/domain/aggregator-config.js';
import { parseIntervals } from '../../shared/domain/intervals.js';
import { DEFAULT_MARKET_ALERT_CONFIG } from '../../shared/domain/market-alerts/index.js';
import type { Tick } from '../../shared/domain/types.js';
import { materializerRound } from '../../shared/pipeline/materializer-round.js';
import { DEFAULT_SIMULATION_START, MarketSimulator } from '../../shared/producer/index.js';
import { anomalyScenario } from '../support/market-anomalies.js';
import { type MotoServer, startMotoServer } from '../support/moto-server.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const MIN = 60_000;
let aws: LocalAws;
let moto: MotoServer;

beforeAll(async () => {
  [aws, moto] = await Promise.all([startLocalAws({ shards: 1 }), startMotoServer()]);
});
afterAll(async () => {
  await Promise.all([aws?.stop(), moto?.stop()]);
});

async function drain(sqs: SQSClient, queueUrl: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (!res.Messages?.length) return out;
    out.push(...res.Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>));
  }
}

/** A topic on moto with a helper that subscribes a new queue to it. */
async function alarmTopic(name: string) {
  const region = 'eu-west-1';
  const sns = new SNSClient({ endpoint: moto.endpoint, region, credentials });
  const sqs = new SQSClient({ endpoint: moto.endpoint, region, credentials });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const subscribeQueue = async (queue: string, filterPolicy?: object) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: attrs.Attributes!.QueueArn,
        ...(filterPolicy && { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } }),
      }),
    );
    return QueueUrl!;
  };
  return { sns, sqs, TopicArn: TopicArn!, subscribeQueue };
}

/** The deployed handler's market watch, wired from the environment the stack sets. */
function watchFromEnv(
  on: LocalAws,
  outputs: ReturnType<typeof wirePipeline>['outputs'],
  sns: SNSClient,
  topicArn: string,
) {
  return marketWatchFromEnv(
    { outputs, doc: createDocumentClient(on.clientConfig), sns, outputTable: on.names.outputTable },
    {
      [HANDLER_ENV.marketAlerts]: JSON.stringify(DEFAULT_MARKET_ALERT_CONFIG),
      [HANDLER_ENV.alertTopicArn]: topicArn,
    },
  )!;
}

describe('market alerts published to the alert topic', () => {
  it('sends every injected anomaly once, with symbol, bar and threshold, routable by attributes', async () => {
    const { sns, sqs, TopicArn, subscribeQueue } = await alarmTopic('tickflow-alarms');
    const everything = await subscribeQueue('everything');
    const quietOnly = await subscribeQueue('quiet-only', { rule: ['quiet-feed'] });

    // The scenario's closed bars and late ticks, as the aggregator records them in the outputs table.
    const { options, expectedAlertIds } = anomalyScenario();
    const ticks = [...new MarketSimulator(options).records()].map((r) => r.payload as unknown as Tick);
    const result = aggregateAll(ticks, aggregatorConfig({ intervals: parseIntervals(['1m']) }));
    const pipeline = wirePipeline({
      aws: aws.clientConfig,
      ...pipelineResources(aws.names),
      engine: aggregatorConfig({ intervals: parseIntervals(['1m']) }),
      idleTimeoutMs: 3_600_000,
    });
    const late = result.late.map((l, i) => ({
      ...l,
      origin: {
        shardId: 'shardId-000000000000',
        sequenceNumber: String(i + 1),
        subIndex: 0,
        arrivalTime: l.tick.ts,
      },
    }));
    await pipeline.outputs.put({ bars: result.bars, late });

    const watchTo = (topicArn: string) => watchFromEnv(aws, pipeline.outputs, sns, topicArn);
    // Each symbol's newest tick, as its state head would hold it (this test writes the outputs only).
    const newest = new Map<string, number>();
    for (const t of ticks) newest.set(t.symbol, Math.max(newest.get(t.symbol) ?? 0, t.ts));
    const lastTicks = [...newest].map(([symbol, ts]) => ({ symbol, ts }));
    const round = (watch = watchTo(TopicArn)) =>
      materializerRound({
        service: pipeline.service,
        materializer: pipeline.materializer,
        publishMarks: async () => undefined,
        idleTimeoutMs: 3_600_000,
        watchMarket: (keys) => watch.watch(keys, lastTicks, { dayBefore: true }),
      });

    // A round whose publishing fails (here the topic does not exist) fails, and leaves its partitions
    // to be rewritten and scanned again by the next round.
    await expect(round(watchTo(`${TopicArn}-gone`))).rejects.toThrow(/not ?found|does not exist/i);
    const first = await round();
    expect(first.marketAlerts).toBe(expectedAlertIds.length);
    const messages = await drain(sqs, everything);
    const bodies = messages.map((m) => JSON.parse(m.Message as string) as AlertMessageBody);
    expect(bodies.map((b) => b.id).sort()).toEqual(expectedAlertIds);

    const jump = bodies.find((b) => b.rule === 'price-move')!;
    const bar = result.bars.find((b) => b.symbol === jump.symbol && b.windowStart === jump.bar.windowStart)!;
    expect(jump).toMatchObject({
      source: 'tickflow.market-alert',
      severity: 'warning',
      bar: {
        interval: '1m',
        start: new Date(bar.windowStart).toISOString(),
        open: bar.open,
        close: bar.close,
      },
      threshold: { name: 'sigma', value: 6 },
    });
    expect(jump.observed).toBeGreaterThan(6);
    const envelope = messages.find((m) => (m.Message as string).includes(jump.id))!;
    expect(envelope.Subject).toBe(
      `tickflow market alert: price-move ${jump.symbol} 1m bar ${jump.bar.start.replace(':00.000Z', 'Z')}`,
    );
    expect(envelope.MessageAttributes).toMatchObject({
      symbol: { Type: 'String', Value: jump.symbol },
      rule: { Type: 'String', Value: 'price-move' },
      severity: { Type: 'String', Value: 'warning' },
    });

    const quiet = (await drain(sqs, quietOnly)).map(
      (m) => (JSON.parse(m.Message as string) as AlertMessageBody).id,
    );
    expect(quiet.sort()).toEqual(expectedAlertIds.filter((id) => id.startsWith('quiet-feed|')));

    // The same partitions changed again (a redelivered batch rewrites the same items): the round scans
    // them, finds the same alerts, and sends none of them twice.
    await pipeline.outputs.put({ bars: result.bars, late });
    const again = await round();
    expect(again.partitions).toBeGreaterThan(0);
    expect(again.marketAlerts).toBe(expectedAlertIds.length);
    expect(await drain(sqs, everything)).toEqual([]);
  });

  it('alerts a symbol that falls silent and stays silent while it is silent, once, over rounds of a live stream', {
    timeout: 120_000,
  }, async () => {
    const { sns, sqs, TopicArn, subscribeQueue } = await alarmTopic('tickflow-alarms-live');
    const queue = await subscribeQueue('live-everything');
    // Tables of its own: the first test's bars of the same symbols would be other silences.
    const aws = await startLocalAws({ shards: 1 });
    onTestFinished(() => aws.stop());
    const start = DEFAULT_SIMULATION_START;
    const { options, expectedAlertIds } = anomalyScenario(start);
    const silentToEnd = expectedAlertIds.find(
      (id) => id.startsWith('quiet-feed|') && id.endsWith(`|${start + 49 * MIN}`),
    )!;
    const engine = aggregatorConfig({ intervals: parseIntervals(['1m']) });
    const pipeline = wirePipeline({
      aws: aws.clientConfig,
      ...pipelineResources(aws.names),
      engine,
      // No idle marks: the silent symbol's last bars stay open, as they would for the lateness on AWS.
      idleTimeoutMs: 3_600_000,
    });
    const watch = watchFromEnv(aws, pipeline.outputs, sns, TopicArn);
    const round = () =>
      materializerRound({
        service: pipeline.service,
        materializer: pipeline.materializer,
        publishMarks: async () => undefined,
        idleTimeoutMs: 3_600_000,
        watchMarket: (keys, lastTicks) => watch.watch(keys, lastTicks, { dayBefore: true }),
      });

    // The stream in arrival order, five minutes of event time a batch, a round after each batch.
    const ticks = [...new MarketSimulator(options).records()].map((r) => r.payload as unknown as Tick);
    let sequence = 0;
    const received: string[] = [];
    const receive = async () => {
      for (const m of await drain(sqs, queue))
        received.push((JSON.parse(m.Message as string) as AlertMessageBody).id);
    };
    for (let from = 0; from < ticks.length; ) {
      const until = start + (Math.floor((ticks[from]!.ts - start) / (5 * MIN)) + 1) * 5 * MIN;
      let to = from;
      while (to < ticks.length && ticks[to]!.ts < until) to++;
      const records = [];
      for (let i = from; i < to; i += 100)
        records.push({
          shardId: 'shardId-000000000000',
          sequenceNumber: String(++sequence).padStart(12, '0'),
          arrivalTime: Date.now(),
          payloads: [JSON.stringify(ticks.slice(i, Math.min(i + 100, to)))],
        });
      const { failed } = await pipeline.service.processBatch(records);
      expect(failed).toEqual([]);
      await round();
      from = to;
    }
    // Before the end-of-stream flush, the silent symbol's last bars are still open: no scan of bars
    // could have found its silence, and it was alerted all the same.
    await receive();
    expect(received).toContain(silentToEnd);
    // Then every window closes (the end of a replay) and a last round scans what that rewrote.
    await pipeline.service.flushAll();
    await round();
    await receive();
    expect(received.sort()).toEqual(expectedAlertIds);
  });
});
