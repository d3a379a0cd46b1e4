import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { MarketAlert, MarketAlertKind } from '../../domain/market-alerts/index.js';
import type { AlertPublisher } from '../../pipeline/ports.js';

/**
 * How urgent each kind of market alert is, carried as the `severity` message attribute: a feed gone
 * quiet means bars are missing (someone should look now); a price move or a burst of late ticks is
 * information about the market or a producer.
 */
export const ALERT_SEVERITY: Readonly<Record<MarketAlertKind, 'critical' | 'warning'>> = {
  'quiet-feed': 'critical',
  'price-move': 'warning',
  'late-spike': 'warning',
};

/** The JSON body of a market alert's SNS message (docs/market-alerts.md). */
export interface AlertMessageBody {
  readonly source: 'tickflow.market-alert';
  /** `rule|symbol|interval|windowStart`: the same anomaly always has the same id, for deduplication. */
  readonly id: string;
  readonly rule: MarketAlertKind;
  readonly severity: 'critical' | 'warning';
  readonly symbol: string;
  readonly symbolClass: string;
  readonly bar: {
    readonly interval: string;
    /** ISO-8601 UTC, and epoch ms below. */
    readonly start: string;
    readonly end: string;
    readonly windowStart: number;
    readonly windowEnd: number;
    /** Absent for a late spike whose window has no bar. */
    readonly open?: number;
    readonly high?: number;
    readonly low?: number;
    readonly close?: number;
    readonly volume?: number;
    readonly vwap?: number | null;
    readonly tradeCount?: number;
  };
  readonly threshold: MarketAlert['threshold'];
  readonly observed: number;
  readonly message: string;
}

/** The body of an alert's message: the symbol, the rule, the bar, the threshold and what was observed. */
export function alertMessageBody(alert: MarketAlert): AlertMessageBody {
  const b = alert.bar;
  return {
    source: 'tickflow.market-alert',
    id: alert.id,
    rule: alert.kind,
    severity: ALERT_SEVERITY[alert.kind],
    symbol: alert.symbol,
    symbolClass: alert.symbolClass,
    bar: {
      interval: alert.interval,
      start: new Date(alert.windowStart).toISOString(),
      end: new Date(alert.windowEnd).toISOString(),
      windowStart: alert.windowStart,
      windowEnd: alert.windowEnd,
      ...(b && {
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
        vwap: b.vwap,
        tradeCount: b.tradeCount,
      }),
    },
    threshold: alert.threshold,
    observed: alert.observed,
    message: alert.message,
  };
}

/** SNS subjects: ASCII, no line breaks, under 100 characters (the Publish API's rule). */
const MAX_SUBJECT = 99;

/**
 * The Publish request of one alert: a subject a mail reader understands, the JSON body, and message
 * attributes a subscription filter policy can route on (`symbol`, `rule`, `severity`, `interval`,
 * `alertId`). The alarm topic is a standard topic, so there is no deduplication id: the alert id in the
 * body and the attributes is the key to deduplicate on.
 */
export function alertPublishInput(topicArn: string, alert: MarketAlert): PublishCommandInput {
  const start = new Date(alert.windowStart).toISOString().replace(/:00\.000Z$/, 'Z');
  const subject = `tickflow market alert: ${alert.kind} ${alert.symbol} ${alert.interval} bar ${start}`
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, MAX_SUBJECT);
  const attr = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  return {
    TopicArn: topicArn,
    Subject: subject,
    Message: JSON.stringify(alertMessageBody(alert)),
    MessageAttributes: {
      symbol: attr(alert.symbol),
      rule: attr(alert.kind),
      severity: attr(ALERT_SEVERITY[alert.kind]),
      interval: attr(alert.interval),
      alertId: attr(alert.id),
    },
  };
}

/** Publishes market alerts to an SNS topic, one message each, in order; a failed Publish throws. */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
  ) {}

  async publish(alerts: readonly MarketAlert[]): Promise<void> {
    for (const alert of alerts)
      await this.sns.send(new PublishCommand(alertPublishInput(this.topicArn, alert)));
  }
}
