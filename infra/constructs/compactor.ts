import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { COMPACTOR_ENV } from '../../shared/adapters/bronze/env.js';
import { COMPACTOR_METRICS, METRIC_SERVICES, SERVICE_DIMENSION } from '../../shared/metrics.js';
import { HANDLER_ENV } from '../config.js';
import { InvalidPropsError } from '../errors.js';
import {
  DEFAULT_METRICS_NAMESPACE,
  type MetricsNamespaceProps,
  metricsEnvironment,
} from './handler-environment.js';
import type { Lake, LakePrefix } from './lake.js';
import type { MetricAlarmSpec } from './monitoring.js';
import { type HandlerCodeProps, PipelineFunction } from './pipeline-function.js';
import type { StateStore } from './state-store.js';
import { requireIntegerInRange } from './validate.js';

/** The `service` dimension of the compactor's EMF metrics (names in shared/metrics.ts). */
export const COMPACTOR_SERVICE = METRIC_SERVICES.compactor;

/** Prefixes the compactor reads and deletes (consumed staged objects) and reads and writes (hour files). */
export const COMPACTOR_STAGING_PREFIXES: readonly LakePrefix[] = ['staging/ticks/'];
export const COMPACTOR_LAKE_PREFIXES: readonly LakePrefix[] = ['ticks/'];

export interface CompactorProps extends HandlerCodeProps, MetricsNamespaceProps {
  readonly lake: Lake;
  /** Holds the run lease that keeps one run at a time (in its outputs table). */
  readonly stateStore: StateStore;
  /** Minutes between runs (the stack passes `compactorMinutes`). @default 5 */
  readonly everyMinutes?: number;
  /** Timeout of one run; must end before the next run starts. @default 4 minutes */
  readonly timeoutSeconds?: number;
  /** @default 2048 (a chunk of 200,000 staged rows plus the open parts of the hour files it writes) */
  readonly memoryMb?: number;
  /** Staged objects merged per chunk. @default the handler's (200) */
  readonly objectsPerChunk?: number;
  /** Staged objects consumed per run at most. @default the handler's (5000) */
  readonly maxObjectsPerRun?: number;
  /**
   * Minutes of event time per compacted tick file, a divisor of 60: below 60 each hour is split into
   * `part-hHH-mMM` files. Parts (`partRows`) already bound a run's work; this only shortens the span a file
   * covers. Change it only with the stream drained.
   * @default 60 (hourly files)
   */
  readonly fileMinutes?: number;
  /**
   * Rows per part of a compacted tick file: a run rewrites at most one part per file, so this bounds a run's
   * work however busy a symbol's hour is (docs/lake.md "How files are written"). Change it at any time.
   * @default the handler's (262,144: one row group, ≈ 4.5 MB)
   */
  readonly partRows?: number;
  /** Runs in a row that must leave a backlog before it alarms. @default 3 */
  readonly backlogAlarmPeriods?: number;
}

/**
 * The scheduled bronze compactor: every `everyMinutes` (the stack's `compactorMinutes`) folds the
 * staged objects of `staging/ticks/` into the hourly files of `ticks/` ("few large files"), exactly
 * once per tick, then deletes what it consumed.
 * One run at a time through a lease in the outputs table (two runs writing the same part of an hour
 * file at once could lose rows), not reserved concurrency, which a new account whose unreserved concurrency is at
 * its minimum cannot grant. A run that fails is not retried (0 asynchronous retries); the next one
 * repairs whatever it left. `alarmSpecs` are meant for Monitoring.
 */
export class Compactor extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly schedule: events.Rule;
  readonly stagedBacklog: cloudwatch.Metric;
  readonly unreadableStagedObjects: cloudwatch.Metric;
  /** Backlog over `backlogAlarmPeriods` runs, and any unreadable staged object. */
  readonly alarmSpecs: readonly MetricAlarmSpec[];

  constructor(scope: Construct, id: string, props: CompactorProps) {
    super(scope, id);
    const everyMinutes = props.everyMinutes ?? 5;
    const timeoutSeconds = props.timeoutSeconds ?? 240;
    const backlogAlarmPeriods = props.backlogAlarmPeriods ?? 3;
    validate(props, everyMinutes, timeoutSeconds, backlogAlarmPeriods);

    this.function = new PipelineFunction(this, 'Handler', {
      entry: props.entry ?? 'functions/compactor/index.ts',
      code: props.code,
      bundling: props.bundling,
      shipParquetWasm: true,
      asyncRetryAttempts: 0,
      description: 'tickflow: bronze compactor (staged ticks to hourly Parquet files, scheduled)',
      memoryMb: props.memoryMb ?? 2048,
      timeoutSeconds,
      environment: {
        [HANDLER_ENV.lakeBucket]: props.lake.bucket.bucketName,
        [HANDLER_ENV.outputTable]: props.stateStore.outputTable.tableName,
        ...(props.objectsPerChunk !== undefined && {
          [COMPACTOR_ENV.objectsPerChunk]: String(props.objectsPerChunk),
        }),
        ...(props.maxObjectsPerRun !== undefined && {
          [COMPACTOR_ENV.maxObjectsPerRun]: String(props.maxObjectsPerRun),
        }),
        ...(props.fileMinutes !== undefined && { [COMPACTOR_ENV.fileMinutes]: String(props.fileMinutes) }),
        ...(props.partRows !== undefined && { [COMPACTOR_ENV.partRows]: String(props.partRows) }),
        ...metricsEnvironment(COMPACTOR_SERVICE, props.metricsNamespace),
      },
    }).function;
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'tickflow bronze compaction',
      schedule: events.Schedule.rate(Duration.minutes(everyMinutes)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    props.stateStore.grantRunLease(this.function);
    props.lake.grantListBucket(this.function);
    props.lake.grantReadObjects(this.function, [...COMPACTOR_STAGING_PREFIXES, ...COMPACTOR_LAKE_PREFIXES]);
    props.lake.grantDeleteObjects(this.function, COMPACTOR_STAGING_PREFIXES);
    props.lake.grantWrite(this.function, COMPACTOR_LAKE_PREFIXES);

    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: COMPACTOR_SERVICE },
        statistic: 'Maximum',
        period: Duration.minutes(everyMinutes),
      });
    this.stagedBacklog = metric(COMPACTOR_METRICS.stagedBacklog);
    this.unreadableStagedObjects = metric(COMPACTOR_METRICS.unreadableStagedObjects);
    this.alarmSpecs = [
      {
        name: 'CompactorStagedBacklog',
        metric: this.stagedBacklog,
        threshold: 1,
        evaluationPeriods: backlogAlarmPeriods,
        meaning: 'bronze compaction falls behind (staged objects left after each run)',
      },
      {
        name: 'CompactorUnreadableStagedObjects',
        metric: this.unreadableStagedObjects,
        threshold: 1,
        meaning: 'a staged bronze object cannot be read; inspect and remove it',
      },
    ];
  }
}

function validate(
  props: CompactorProps,
  everyMinutes: number,
  timeoutSeconds: number,
  backlogAlarmPeriods: number,
): void {
  requireIntegerInRange('Compactor', 'everyMinutes', everyMinutes, 1, 60, 'minutes between runs');
  requireIntegerInRange('Compactor', 'timeoutSeconds', timeoutSeconds, 10, 900, 'Lambda timeout');
  if (timeoutSeconds >= everyMinutes * 60) {
    throw new InvalidPropsError(
      'Compactor',
      'timeoutSeconds',
      timeoutSeconds,
      `keep it below the schedule (${everyMinutes * 60} s) so a run ends before the next one is due`,
    );
  }
  requireIntegerInRange('Compactor', 'backlogAlarmPeriods', backlogAlarmPeriods, 1, 288, 'runs in a row');
  for (const [prop, value] of [
    ['objectsPerChunk', props.objectsPerChunk],
    ['maxObjectsPerRun', props.maxObjectsPerRun],
  ] as const) {
    if (value !== undefined) requireIntegerInRange('Compactor', prop, value, 1, 1_000_000, 'staged objects');
  }
  if (props.partRows !== undefined) {
    requireIntegerInRange('Compactor', 'partRows', props.partRows, 1_000, 10_000_000, 'rows per part');
  }
  const minutes = props.fileMinutes;
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 1 && 60 % minutes === 0)) {
    throw new InvalidPropsError(
      'Compactor',
      'fileMinutes',
      minutes,
      'a divisor of 60 (e.g. 10, 15, 30 or 60)',
    );
  }
}
