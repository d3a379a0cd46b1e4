import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AGGREGATOR_METRICS, SERVICE_DIMENSION } from '../../shared/metrics.js';
import { type AlarmConfig, type AlertsConfig, DEFAULT_CONFIG } from '../config.js';
import { InvalidPropsError } from '../errors.js';
import type { FailedBatches } from './failed-batches.js';
import { DEFAULT_METRICS_NAMESPACE, type MetricsNamespaceProps } from './handler-environment.js';
import { requireIntegerInRange, requirePositiveAtMost } from './validate.js';

/**
 * Where the ticks come from, as monitoring needs to know it: a consumer's lag is Lambda's IteratorAge
 * on Kinesis and its OffsetLag on Kafka, and the heartbeat reads the stream on Kinesis and the
 * aggregator's ticks on Kafka. A `TickSource` (stream-consumer.ts) is one.
 */
export type MonitoredSource =
  | { readonly kind: 'kinesis'; readonly stream: kinesis.IStream }
  | { readonly kind: 'kafka' };

/** A stream consumer to watch: its function. */
export interface MonitoredConsumer {
  /** Short name used in alarm ids and on the dashboard, e.g. `Aggregator`. */
  readonly name: string;
  readonly function: lambda.IFunction;
}

/** An alarm on a metric some construct publishes, e.g. the compactor's `StagedBacklog`. */
export interface MetricAlarmSpec {
  /** Alarm id and dashboard title, e.g. `CompactorStagedBacklog`. */
  readonly name: string;
  readonly metric: cloudwatch.IMetric;
  /** Alarms at or above this value. */
  readonly threshold: number;
  /** Consecutive breaching periods before it alarms. @default 1 */
  readonly evaluationPeriods?: number;
  /** What a breach means, for the alarm description, e.g. `compaction falls behind`. */
  readonly meaning: string;
}

export interface MonitoringProps extends MetricsNamespaceProps {
  readonly consumers: readonly MonitoredConsumer[];
  /** Scheduled functions: error and throttle alarms only. @default none */
  readonly scheduledFunctions?: readonly { readonly name: string; readonly function: lambda.IFunction }[];
  /** State machines whose failed executions page someone. @default none */
  readonly stateMachines?: readonly { readonly name: string; readonly stateMachine: sfn.IStateMachine }[];
  /** Alarms on metrics of other constructs (e.g. `Compactor.alarmSpecs`). @default none */
  readonly metricAlarms?: readonly MetricAlarmSpec[];
  /** `service` dimension of the aggregator's EMF metrics (late ratio, duplicates). */
  readonly metricsService: string;
  /** @default DEFAULT_CONFIG.alarms */
  readonly alarms?: Partial<AlarmConfig>;
  /** The consumers' on-failure destination: alarms when a batch lands there. @default no such alarm */
  readonly failedBatches?: FailedBatches;
  /** Subscriptions of the alarm topic. @default none */
  readonly alerts?: Partial<AlertsConfig>;
  /** The serving store's bars table: alarms on its errors and throttles. @default no such alarms */
  readonly servingTable?: { readonly keyspaceName: string; readonly tableName: string };
  /**
   * The tick source: picks the consumers' lag alarms and the heartbeat's metric (`alarms.noTicksMinutes`).
   * @default lag alarms on iterator age (Kinesis), no heartbeat
   */
  readonly source?: MonitoredSource;
  /** The aggregator's allowed lateness: the watermark lag is never below it. @default DEFAULT_CONFIG's */
  readonly allowedLatenessMs?: number;
  /** Create the dashboard (CloudWatch bills $3 a month for each beyond an account's first three). @default true */
  readonly dashboard?: boolean;
  /** @default 'tickflow' */
  readonly dashboardName?: string;
  /**
   * Customer-managed key of the alarm topic; CloudWatch is allowed to use it.
   * @default a new key with rotation enabled
   */
  readonly topicKey?: kms.IKey;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms, an SNS topic and a dashboard for the pipeline. Every alarm notifies the topic on ALARM and
 * OK; missing data is not breaching (a quiet market is not an incident).
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** The SQS queue subscribed to the topic for tooling, when `alerts.queue` is on. */
  readonly alertQueue?: sqs.Queue;
  /** The dashboard, unless `dashboard: false`. */
  readonly dashboard?: cloudwatch.Dashboard;
  private readonly thresholds: AlarmConfig;
  private readonly service: string;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.thresholds = { ...DEFAULT_CONFIG.alarms, ...props.alarms };
    validateAlarms(this.thresholds, props.allowedLatenessMs ?? DEFAULT_CONFIG.allowedLatenessMs);
    const alerts = { ...DEFAULT_CONFIG.alerts, ...props.alerts };
    validateAlerts(alerts);
    this.service = props.metricsService;
    this.namespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    this.topic = this.createTopic(props.topicKey);
    this.alertQueue = this.subscribe(alerts, props.topicKey);
    this.dashboard =
      props.dashboard === false
        ? undefined
        : new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName ?? 'tickflow' });

    const onKafka = props.source?.kind === 'kafka';
    for (const consumer of props.consumers) this.watchConsumer(consumer, onKafka);
    for (const scheduled of props.scheduledFunctions ?? [])
      this.watchFunction(scheduled.name, scheduled.function);
    for (const machine of props.stateMachines ?? []) {
      // One alarm for both ways an execution ends without success (each alarm bills $0.10 a month).
      const notSucceeded = new cloudwatch.MathExpression({
        label: 'executions failed or timed out',
        expression: 'failed + timedOut',
        usingMetrics: {
          failed: machine.stateMachine.metricFailed({ statistic: 'Sum', period: FIVE_MINUTES }),
          timedOut: machine.stateMachine.metricTimedOut({ statistic: 'Sum', period: FIVE_MINUTES }),
        },
        period: FIVE_MINUTES,
      });
      this.addAlarm(`${machine.name}FailedExecutions`, notSucceeded, 1, 1, 'executions failed or timed out');
    }
    for (const spec of props.metricAlarms ?? []) this.watchMetric(spec);
    this.watchPipelineMetrics();
    if (props.failedBatches) this.watchFailedBatches(props.failedBatches);
    if (props.servingTable) this.watchServingTable(props.servingTable);
    if (props.source && this.thresholds.noTicksMinutes > 0) this.watchHeartbeat(props.source);
  }

  /** Email and HTTPS subscriptions, and a queue for tooling, from `alerts`. */
  private subscribe(alerts: AlertsConfig, key: kms.IKey | undefined): sqs.Queue | undefined {
    for (const email of alerts.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of alerts.httpsEndpoints) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
    if (!alerts.queue) return undefined;
    const queue = new sqs.Queue(this, 'AlertQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'Alarm notifications for tooling to read; a message that cannot be read stays for 14 days.',
    });
    this.topic.addSubscription(new subscriptions.SqsSubscription(queue));
    return queue;
  }

  /**
   * A batch written to the on-failure bucket: the EventBridge rule matching its Object Created event
   * triggered. One alarm for every consumer; the object's key names the mapping and the shard.
   */
  private watchFailedBatches(failed: FailedBatches): void {
    const triggered = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensionsMap: { RuleName: failed.objectCreated.ruleName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    this.addAlarm(
      'FailedBatches',
      triggered,
      this.thresholds.failedBatches,
      1,
      'a stream consumer gave up on a batch; it is in the on-failure bucket, whole, to replay',
    );
    this.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Batches given up on', left: [triggered] }),
    );
  }

  /**
   * The serving store's errors and throttles. Keyspaces publishes them per keyspace, operation and
   * table (AWS/Cassandra, "Amazon Keyspaces metrics and dimensions" in its developer guide), so each
   * alarm sums the table's operations with a Metrics Insights query (an alarm takes one query, hence
   * one alarm per metric). Each one is a write the aggregator retries (FailedSymbols) or a read that
   * failed; these say why.
   */
  private watchServingTable(table: { keyspaceName: string; tableName: string }): void {
    const sum = (metricName: string) =>
      new cloudwatch.MathExpression({
        label: `${metricName} (${table.keyspaceName}.${table.tableName})`,
        expression: `SELECT SUM(${metricName}) FROM SCHEMA("AWS/Cassandra", Keyspace, Operation, TableName) WHERE Keyspace = '${table.keyspaceName}' AND TableName = '${table.tableName}'`,
        usingMetrics: {},
        period: FIVE_MINUTES,
      });
    const specs: [id: string, metric: string, meaning: string][] = [
      [
        'ServingSystemErrors',
        'SystemErrors',
        'Keyspaces answered requests on the bars table with a server error',
      ],
      ['ServingUserErrors', 'UserErrors', 'Keyspaces refused requests on the bars table as invalid'],
      ['ServingWriteThrottles', 'WriteThrottleEvents', 'writes to the bars table were throttled'],
      ['ServingReadThrottles', 'ReadThrottleEvents', 'reads of the bars table were throttled'],
    ];
    const metrics = specs.map(([id, metricName, meaning]) => {
      const metric = sum(metricName);
      this.addAlarm(id, metric, 1, 1, meaning);
      return metric;
    });
    this.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Serving store errors and throttles', left: metrics }),
    );
  }

  /**
   * The heartbeat, no ticks for `alarms.noTicksMinutes`: on Kinesis no record put on the stream
   * (IncomingRecords); on Kafka no valid tick applied by the aggregator (its own ValidTicks): one metric
   * for MSK and self-managed clusters alike, since a self-managed cluster publishes nothing to CloudWatch.
   */
  private watchHeartbeat(source: MonitoredSource): void {
    const minutes = this.thresholds.noTicksMinutes;
    const [metric, meaning] =
      source.kind === 'kinesis'
        ? [
            source.stream.metricIncomingRecords({ statistic: 'Sum', period: FIVE_MINUTES }),
            `no record reached the tick stream for ${minutes} minutes`,
          ]
        : [
            this.pipelineMetric(AGGREGATOR_METRICS.validTicks),
            `the aggregator applied no valid tick from the topic for ${minutes} minutes`,
          ];
    this.addAlarm('NoTicks', metric, 1, Math.ceil(minutes / 5), meaning, { below: true });
  }

  /** One of the aggregator's metrics (namespace `Tickflow/<prefix>`, its `service`), per 5 minutes. */
  private pipelineMetric(metricName: string, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { [SERVICE_DIMENSION]: this.service },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  private watchMetric(spec: MetricAlarmSpec): void {
    this.addAlarm(spec.name, spec.metric, spec.threshold, spec.evaluationPeriods ?? 1, spec.meaning);
    this.dashboard?.addWidgets(new cloudwatch.GraphWidget({ title: spec.name, left: [spec.metric] }));
  }

  private createTopic(topicKey: kms.IKey | undefined): sns.Topic {
    const key =
      topicKey ??
      new kms.Key(this, 'TopicKey', {
        description: 'Encrypts tickflow alarm notifications',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    // CloudWatch must be able to publish to a topic encrypted with a customer-managed key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    return new sns.Topic(this, 'AlarmTopic', {
      displayName: 'tickflow alarms',
      masterKey: key,
      enforceSSL: true,
    });
  }

  /**
   * A consumer's lag (maximum per minute, 3 minutes in a row) and its errors and throttles. On Kafka
   * Lambda publishes OffsetLag instead of IteratorAge: per function (AWS/Lambda, FunctionName; each
   * consumer has one mapping), in records, the topic's newest offsets minus its consumer group's
   * ("Types of metrics for Lambda functions" in the Lambda developer guide).
   */
  private watchConsumer(consumer: MonitoredConsumer, onKafka: boolean): void {
    const lag = onKafka
      ? {
          metricName: 'OffsetLag',
          threshold: this.thresholds.offsetLagRecords,
          meaning: 'records wait in the topic: the consumer group trails its newest offsets',
          title: 'offset lag (records)',
        }
      : {
          metricName: 'IteratorAge',
          threshold: this.thresholds.iteratorAgeMs,
          meaning: 'records wait too long',
          title: 'iterator age (ms)',
        };
    const metric = consumer.function.metric(lag.metricName, {
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    this.addAlarm(`${consumer.name}${lag.metricName}`, metric, lag.threshold, 3, lag.meaning);
    this.watchFunction(consumer.name, consumer.function);
    this.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({ title: `${consumer.name} ${lag.title}`, left: [metric] }),
    );
  }

  private watchFunction(name: string, fn: lambda.IFunction): void {
    const errors = fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES });
    const throttles = fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES });
    this.addAlarm(`${name}Errors`, errors, this.thresholds.functionErrors, 1, 'invocations failed');
    this.addAlarm(
      `${name}Throttles`,
      throttles,
      this.thresholds.functionThrottles,
      1,
      'invocations were throttled',
    );
    this.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({ title: `${name} errors and throttles`, left: [errors, throttles] }),
    );
  }

  /** Late ratio and duplicate ratio from the aggregator's EMF metrics, as metric math over ValidTicks. */
  private watchPipelineMetrics(): void {
    const m = (metricName: string, statistic = 'Sum') => this.pipelineMetric(metricName, statistic);
    const valid = m(AGGREGATOR_METRICS.validTicks);
    // Distinct ids per numerator: one graph shows both ratios and CloudWatch needs unique ids there.
    const ratio = (label: string, id: string, numerator: cloudwatch.Metric) =>
      new cloudwatch.MathExpression({
        label,
        expression: `IF(valid > 0, ${id} / valid, 0)`,
        usingMetrics: { [id]: numerator, valid },
        period: FIVE_MINUTES,
      });
    const lateRatio = ratio('late ratio', 'late', m(AGGREGATOR_METRICS.lateTicks));
    const duplicateRatio = ratio('duplicate ratio', 'duplicates', m(AGGREGATOR_METRICS.duplicates));
    this.addAlarm('LateRatio', lateRatio, this.thresholds.lateRatio, 1, 'too many ticks miss their windows');
    // A symbol whose state cannot be restored has its ticks quarantined until someone repairs the item.
    this.addAlarm(
      'UnusableStates',
      m(AGGREGATOR_METRICS.unusableStates, 'Maximum'),
      1,
      1,
      'a symbol state could not be used; its ticks go to quarantine until the item is repaired',
    );
    // Partial batch failures: symbols whose writes failed are left for the event source mapping's retry.
    this.addAlarm(
      'FailedSymbols',
      m(AGGREGATOR_METRICS.failedSymbols),
      this.thresholds.failedSymbols,
      1,
      'symbols were left for retry by partial batch failures (state, outputs or serving-store writes failed)',
    );
    this.addAlarm(
      'WatermarkLag',
      m(AGGREGATOR_METRICS.watermarkLagMs, 'Maximum'),
      this.thresholds.watermarkLagMs,
      3,
      "a symbol's watermark trails processing time (bars close late)",
    );
    this.addAlarm(
      'DuplicateRatio',
      duplicateRatio,
      this.thresholds.duplicateRatio,
      1,
      'producers retry too much',
    );
    this.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Ticks',
        left: [
          valid,
          m(AGGREGATOR_METRICS.lateTicks),
          m(AGGREGATOR_METRICS.duplicates),
          m(AGGREGATOR_METRICS.quarantined),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Symbols with an unusable state (their ticks quarantined)',
        left: [m(AGGREGATOR_METRICS.unusableStates, 'Maximum')],
      }),
      new cloudwatch.GraphWidget({ title: 'Bars emitted', left: [m(AGGREGATOR_METRICS.barsEmitted)] }),
      new cloudwatch.GraphWidget({
        title: 'Watermark lag (ms)',
        left: [m(AGGREGATOR_METRICS.watermarkLagMs, 'Maximum')],
      }),
      new cloudwatch.GraphWidget({ title: 'Late and duplicate ratio', left: [lateRatio, duplicateRatio] }),
    );
  }

  /**
   * An alarm notifying the topic on ALARM and OK. By default it fires at or above the threshold and
   * missing data is not breaching; `below` fires under it and counts missing data as breaching (a
   * heartbeat: no records, no datapoint).
   */
  private addAlarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    evaluationPeriods: number,
    meaning: string,
    options: { below?: boolean } = {},
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `tickflow: ${meaning} (threshold ${threshold}); runbook: docs/runbook.md#${id.toLowerCase()}`,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: options.below
        ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
        : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.below
        ? cloudwatch.TreatMissingData.BREACHING
        : cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function validateAlerts(a: AlertsConfig): void {
  for (const email of a.emails) {
    if (!EMAIL.test(email))
      throw new InvalidPropsError('Monitoring', 'alerts.emails', email, 'use an email address');
  }
  for (const url of a.httpsEndpoints) {
    if (!/^https:\/\/[^\s/]+/.test(url)) {
      throw new InvalidPropsError('Monitoring', 'alerts.httpsEndpoints', url, 'use an https:// URL');
    }
  }
}

function validateAlarms(a: AlarmConfig, allowedLatenessMs: number): void {
  const name = 'Monitoring';
  requireIntegerInRange(name, 'alarms.iteratorAgeMs', a.iteratorAgeMs, 1000, 7 * 86_400_000, 'ms');
  requireIntegerInRange(
    name,
    'alarms.offsetLagRecords',
    a.offsetLagRecords,
    1,
    1_000_000_000,
    'records of the topic not yet processed',
  );
  requireIntegerInRange(
    name,
    'alarms.functionErrors',
    a.functionErrors,
    1,
    1_000_000,
    'errors per 5 minutes',
  );
  requireIntegerInRange(name, 'alarms.functionThrottles', a.functionThrottles, 1, 1_000_000, 'per 5 minutes');
  requireIntegerInRange(name, 'alarms.failedBatches', a.failedBatches, 1, 1_000_000, 'batches per 5 minutes');
  requirePositiveAtMost(
    name,
    'alarms.lateRatio',
    a.lateRatio,
    100,
    'late ticks per valid tick, summed over intervals',
  );
  requirePositiveAtMost(name, 'alarms.duplicateRatio', a.duplicateRatio, 1, 'fraction of valid ticks');
  requireIntegerInRange(name, 'alarms.failedSymbols', a.failedSymbols, 1, 1_000_000, 'symbols per 5 minutes');
  requireIntegerInRange(
    name,
    'alarms.watermarkLagMs',
    a.watermarkLagMs,
    allowedLatenessMs + 1,
    7 * 86_400_000,
    `ms; the lag is at least the allowed lateness (${allowedLatenessMs} ms), so it must be above it`,
  );
  requireIntegerInRange(
    name,
    'alarms.noTicksMinutes',
    a.noTicksMinutes,
    0,
    1440,
    'minutes; 0 = no heartbeat',
  );
}
