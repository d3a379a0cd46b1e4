import { Annotations, Aws, CfnOutput, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { resourceNames } from '../../shared/config.js';
import { metricsNamespace } from '../../shared/metrics.js';
import { DEFAULT_CONFIG, type TickflowConfig } from '../config.js';
import { AGGREGATOR_SERVICE, Aggregator } from '../constructs/aggregator.js';
import { Backfill } from '../constructs/backfill.js';
import { BronzeWriter } from '../constructs/bronze-writer.js';
import { Catalog } from '../constructs/catalog.js';
import { Compactor } from '../constructs/compactor.js';
import { FailedBatches } from '../constructs/failed-batches.js';
import { Lake } from '../constructs/lake.js';
import { Materializer } from '../constructs/materializer.js';
import { Monitoring } from '../constructs/monitoring.js';
import { MskTrialCluster } from '../constructs/msk-trial.js';
import { Preprocess } from '../constructs/preprocess.js';
import { ServingStore } from '../constructs/serving-store.js';
import { StateStore } from '../constructs/state-store.js';
import type { ConsumerSource, TickSource } from '../constructs/stream-consumer.js';
import { TickStream } from '../constructs/tick-stream.js';
import { InfraConfigError } from '../errors.js';
import { consumerGroupId, type KafkaConsumer, mskClusterParts } from '../kafka-source.js';
import { hasKeyspaces, KEYSPACES_REGIONS } from '../regions.js';

/** Prebuilt bundles per handler, for CI artifacts; a handler without one is bundled from `functions/`. */
export interface HandlerCode {
  readonly aggregator?: lambda.Code;
  readonly bronze?: lambda.Code;
  readonly materializer?: lambda.Code;
  readonly compactor?: lambda.Code;
  readonly preprocessPrepare?: lambda.Code;
  readonly preprocessFeatures?: lambda.Code;
  readonly preprocessFinalize?: lambda.Code;
  readonly backfillPrepare?: lambda.Code;
  readonly backfillSymbol?: lambda.Code;
  /** The trial MSK Serverless cluster's topic handler (`source.trial`). */
  readonly kafkaTopic?: lambda.Code;
}

export interface TickflowStackProps extends StackProps {
  /** @default DEFAULT_CONFIG */
  readonly config?: TickflowConfig;
  /** @default every handler bundled from its entry file */
  readonly handlerCode?: HandlerCode;
}

/**
 * The whole pipeline in one stack: tick stream (or the Kafka topic of the `source` setting) →
 * aggregator (+ bronze writer, staged ticks compacted every 5 minutes) → state tables → lake and the
 * Keyspaces serving store, the scheduled materializer, the preprocess state machine, the Glue/Athena
 * catalog and the alarms.
 */
export class TickflowStack extends Stack {
  readonly dataKey: kms.Key;
  /** The Kinesis tick stream; `undefined` when the source is Kafka (`source.kind` "kafka"). */
  readonly tickStream?: TickStream;
  readonly stateStore: StateStore;
  readonly lake: Lake;
  readonly failedBatches: FailedBatches;
  readonly aggregator: Aggregator;
  readonly bronzeWriter: BronzeWriter;
  readonly materializer: Materializer;
  readonly compactor: Compactor;
  readonly preprocess: Preprocess;
  /** Bars recomputed from the bronze layer on demand (`tickflow backfill --aws`). */
  readonly backfill: Backfill;
  /** `undefined` when `config.serving.enabled` is false. */
  readonly servingStore?: ServingStore;
  /** The MSK Serverless cluster and VPC of `source.trial`; `undefined` otherwise. */
  readonly mskTrial?: MskTrialCluster;
  readonly monitoring: Monitoring;
  readonly catalog: Catalog;

  constructor(scope: Construct, id: string, props: TickflowStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? DEFAULT_CONFIG;
    const names = resourceNames(config.prefix);
    const engine = config;
    // One namespace per environment: the handlers publish to it and the alarms read it.
    const namespace = metricsNamespace(config.prefix);
    if (config.serving.enabled) this.requireKeyspacesRegion();
    if (typeof config.dashboard !== 'boolean')
      throw new InfraConfigError('dashboard', config.dashboard, 'use true or false');

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Encrypts the tickflow stream, state tables, alarm topic and alert queue',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const configured = config.source.kind === 'kafka' ? config.source : undefined;
    if (configured?.msk) this.requireSameRegion(configured.msk.clusterArn);
    this.mskTrial = configured?.trial
      ? new MskTrialCluster(this, 'KafkaTrial', {
          clusterName: `${config.prefix}-trial`,
          topic: configured.topic,
          trial: configured.trial,
          snsEndpoint: config.marketAlerts !== 'off',
          code: props.handlerCode?.kafkaTopic,
        })
      : undefined;
    const kafka = configured && (this.mskTrial?.resolve(configured) ?? configured);
    this.tickStream = kafka
      ? undefined
      : new TickStream(this, 'Ticks', {
          streamName: names.tickStream,
          shards: config.stream.shards,
          retentionHours: config.stream.retentionHours,
          encryptionKey: this.dataKey,
        });
    const ticks: TickSource = this.tickStream
      ? { kind: 'kinesis', stream: this.tickStream.stream }
      : { kind: 'kafka', kafka: kafka!, topicResource: this.mskTrial?.topicResource };
    // On Kafka each consumer reads every partition in its own consumer group, named after the prefix.
    const consumerSource = (consumer: KafkaConsumer): ConsumerSource =>
      ticks.kind === 'kinesis'
        ? ticks
        : { ...ticks, consumerGroupId: consumerGroupId(config.prefix, consumer) };
    this.stateStore = new StateStore(this, 'State', {
      stateTableName: names.stateTable,
      seenIdsTableName: names.seenIdsTable,
      outputTableName: names.outputTable,
      outputsRetentionDays: config.outputsRetentionDays,
      encryptionKey: this.dataKey,
    });
    this.lake = new Lake(this, 'Lake', {
      bucketName: `${names.lakeBucket}-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      noncurrentVersionDays: config.lakeNoncurrentVersionDays,
    });
    this.failedBatches = new FailedBatches(this, 'FailedBatches', {
      accessLogsBucket: this.lake.accessLogsBucket,
    });
    this.servingStore = config.serving.enabled
      ? new ServingStore(this, 'Serving', {
          keyspaceName: config.serving.keyspaceName,
          defaultTimeToLiveSeconds: config.serving.ttlSeconds,
          formingUpsertPeriodMs: config.serving.formingUpsertPeriodMs,
        })
      : undefined;
    this.aggregator = new Aggregator(this, 'Aggregator', {
      source: consumerSource('aggregator'),
      stateStore: this.stateStore,
      engine,
      consumer: config.consumer,
      serving: this.servingStore,
      code: props.handlerCode?.aggregator,
      onFailure: this.failedBatches,
      metricsNamespace: namespace,
    });
    this.bronzeWriter = new BronzeWriter(this, 'Bronze', {
      source: consumerSource('bronze'),
      lake: this.lake,
      eventTimes: config,
      consumer: config.consumer,
      code: props.handlerCode?.bronze,
      onFailure: this.failedBatches,
      metricsNamespace: namespace,
    });
    this.materializer = new Materializer(this, 'Materializer', {
      stateStore: this.stateStore,
      lake: this.lake,
      source: ticks,
      engine,
      everyMinutes: config.materializerMinutes,
      code: props.handlerCode?.materializer,
      metricsNamespace: namespace,
    });
    this.compactor = new Compactor(this, 'Compactor', {
      lake: this.lake,
      stateStore: this.stateStore,
      everyMinutes: config.compactorMinutes,
      fileMinutes: config.bronzeFileMinutes,
      partRows: config.bronzePartRows,
      code: props.handlerCode?.compactor,
      metricsNamespace: namespace,
    });
    this.preprocess = new Preprocess(this, 'Preprocess', {
      lake: this.lake,
      scheduleEnabled: config.nightlySchedule !== undefined,
      ...(config.nightlySchedule ? { schedule: events.Schedule.expression(config.nightlySchedule) } : {}),
      code: {
        prepare: props.handlerCode?.preprocessPrepare,
        features: props.handlerCode?.preprocessFeatures,
        finalize: props.handlerCode?.preprocessFinalize,
      },
    });
    this.backfill = new Backfill(this, 'Backfill', {
      lake: this.lake,
      code: { prepare: props.handlerCode?.backfillPrepare, symbol: props.handlerCode?.backfillSymbol },
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      consumers: [
        { name: 'Aggregator', function: this.aggregator.function },
        { name: 'Bronze', function: this.bronzeWriter.function },
      ],
      scheduledFunctions: [
        { name: 'Materializer', function: this.materializer.function },
        { name: 'Compactor', function: this.compactor.function },
      ],
      stateMachines: [
        { name: 'Preprocess', stateMachine: this.preprocess.stateMachine },
        { name: 'Backfill', stateMachine: this.backfill.stateMachine },
      ],
      metricAlarms: this.compactor.alarmSpecs,
      metricsService: AGGREGATOR_SERVICE,
      metricsNamespace: namespace,
      alarms: config.alarms,
      failedBatches: this.failedBatches,
      servingTable: this.servingStore,
      alerts: config.alerts,
      source: ticks,
      allowedLatenessMs: config.allowedLatenessMs,
      dashboard: config.dashboard,
      // Dashboards are global to the account: one per environment and region.
      dashboardName: `${config.prefix}-${this.region}`,
      // One customer-managed key for the data and the alarm topic: each key bills $1 a month idle.
      topicKey: this.dataKey,
    });
    // The idle flush produces to the topic: after the stack created it.
    if (this.mskTrial) this.materializer.function.node.addDependency(this.mskTrial.topicResource);
    if (config.marketAlerts !== 'off') {
      this.materializer.publishMarketAlerts(this.monitoring.topic, config.marketAlerts);
    }
    // Glue/Athena names allow no hyphens: `tickflow-dev` → `tickflow_dev`.
    const databaseName = config.prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    this.catalog = new Catalog(this, 'Catalog', {
      lake: this.lake,
      databaseName,
      workGroupName: config.prefix,
      intervals: config.intervals,
      startDate: config.lakeStartDate,
    });

    if (this.tickStream) {
      new CfnOutput(this, 'TickStreamName', { value: this.tickStream.stream.streamName });
      new CfnOutput(this, 'TickStreamArn', { value: this.tickStream.stream.streamArn });
    } else {
      new CfnOutput(this, 'KafkaTopic', {
        description: 'The Kafka topic the pipeline consumes',
        value: kafka!.topic,
      });
      if (this.mskTrial) {
        new CfnOutput(this, 'KafkaClusterArn', {
          description:
            'The trial MSK Serverless cluster (bills per cluster-hour: delete the stack when done)',
          value: this.mskTrial.clusterArn,
        });
        new CfnOutput(this, 'KafkaBootstrapServers', {
          description: "The trial cluster's IAM brokers (port 9098, reachable inside its VPC only)",
          value: this.mskTrial.bootstrapServers,
        });
      }
    }
    new CfnOutput(this, 'DataKeyArn', {
      description:
        'Customer-managed key of the stream, tables and queues (producers need kms:GenerateDataKey on it)',
      value: this.dataKey.keyArn,
    });
    if (this.tickStream) {
      new CfnOutput(this, 'ProducerPolicyArn', {
        description: 'Attach to a producer role or user: PutRecord(s) on the tick stream and its key',
        value: this.tickStream.producerPolicy.managedPolicyArn,
      });
    }
    new CfnOutput(this, 'StateTableName', { value: this.stateStore.stateTable.tableName });
    new CfnOutput(this, 'OutputTableName', { value: this.stateStore.outputTable.tableName });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName });
    // `tickflow status` lists a self-managed Kafka cluster's event source mappings by function.
    new CfnOutput(this, 'AggregatorFunctionName', { value: this.aggregator.function.functionName });
    new CfnOutput(this, 'BronzeWriterFunctionName', { value: this.bronzeWriter.function.functionName });
    new CfnOutput(this, 'FailedBatchesBucketName', {
      description: 'On-failure destination of the stream consumers: each discarded batch, whole',
      value: this.failedBatches.bucket.bucketName,
    });
    new CfnOutput(this, 'GlueDatabaseName', { value: databaseName });
    new CfnOutput(this, 'AthenaWorkGroupName', { value: this.catalog.workGroup.ref });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'PreprocessStateMachineArn', { value: this.preprocess.stateMachine.stateMachineArn });
    new CfnOutput(this, 'BackfillStateMachineArn', { value: this.backfill.stateMachine.stateMachineArn });
    if (this.monitoring.alertQueue) {
      new CfnOutput(this, 'AlertQueueUrl', { value: this.monitoring.alertQueue.queueUrl });
    }
    if (this.servingStore) {
      new CfnOutput(this, 'ServingKeyspaceName', { value: this.servingStore.keyspaceName });
    }
  }

  /** Lambda maps a function only to an MSK cluster in its own region. */
  private requireSameRegion(clusterArn: string): void {
    const region = mskClusterParts(clusterArn).region;
    if (!Token.isUnresolved(this.region) && region !== this.region) {
      throw new InfraConfigError(
        'source.msk.clusterArn',
        clusterArn,
        `the cluster is in ${region} but the stack deploys to ${this.region}; Lambda reads only from an MSK cluster in its own region`,
      );
    }
  }

  /** Keyspaces is not in every region: refuse at synth what CloudFormation would refuse at deploy. */
  private requireKeyspacesRegion(): void {
    if (Token.isUnresolved(this.region)) {
      Annotations.of(this).addWarningV2(
        'tickflow:keyspaces-region',
        `The region is not known at synth time; the serving store (Amazon Keyspaces) deploys only in ${KEYSPACES_REGIONS.join(', ')}. Set the region (environment file or CDK_DEFAULT_REGION), or serving.enabled false.`,
      );
    } else if (!hasKeyspaces(this.region)) {
      throw new InfraConfigError(
        'serving.enabled',
        true,
        `Amazon Keyspaces is not available in ${this.region}; set serving.enabled to false for this environment (the lake, the alarms and everything else deploy without it) or deploy to a region that has it: ${KEYSPACES_REGIONS.join(', ')}`,
      );
    }
  }
}
