import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HANDLER_ENV } from '../config.js';
import {
  AlertConfigError,
  type MarketAlertConfig,
  mergeAlertConfig,
  type PartialAlertConfig,
} from '../domain/market-alerts/index.js';
import { MarketWatch, OnceAlertPublisher } from '../pipeline/market-watch.js';
import type { MaterializableOutputs } from '../pipeline/ports.js';
import { outputsSeriesSource } from './dynamo/market-series.js';
import { DynamoQuietFeedIndex, DynamoSentAlertLog } from './dynamo/sent-alerts.js';
import { ConfigurationError, optionalString, requireString } from './env.js';
import { SnsAlertPublisher } from './sns/alert-publisher.js';

/**
 * The materializer's market watch as the environment configures it (`TICKFLOW_MARKET_ALERTS`, the
 * thresholds as JSON; `TICKFLOW_ALERT_TOPIC_ARN`): bars read back from the outputs table, each alert
 * published to the topic once (sent ids, and the silences already alerted, recorded in the same
 * table). `undefined` when the stack turns market alerts off. A malformed setting fails the cold start, naming the variable.
 */
export function marketWatchFromEnv(
  deps: {
    readonly outputs: Pick<MaterializableOutputs, 'readPartition'>;
    readonly doc: DynamoDBDocumentClient;
    readonly sns: Pick<SNSClient, 'send'>;
    readonly outputTable: string;
    readonly retentionMs?: number;
  },
  env: NodeJS.ProcessEnv = process.env,
): MarketWatch | undefined {
  const text = optionalString(env, HANDLER_ENV.marketAlerts);
  if (text === undefined) return undefined;
  let config: MarketAlertConfig;
  try {
    config = mergeAlertConfig(JSON.parse(text) as PartialAlertConfig);
  } catch (err) {
    const reason = err instanceof AlertConfigError || err instanceof SyntaxError ? err.message : String(err);
    throw new ConfigurationError(HANDLER_ENV.marketAlerts, `is not a market-alert config: ${reason}`);
  }
  const publisher = new OnceAlertPublisher(
    new DynamoSentAlertLog(deps.doc, deps.outputTable, deps.retentionMs),
    new SnsAlertPublisher(deps.sns, requireString(env, HANDLER_ENV.alertTopicArn)),
  );
  return new MarketWatch(
    outputsSeriesSource(deps.outputs),
    config,
    publisher,
    new DynamoQuietFeedIndex(deps.doc, deps.outputTable, config.interval),
  );
}
