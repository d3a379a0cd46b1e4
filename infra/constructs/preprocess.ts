import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sfnTasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { MANIFEST_KEY, SUMMARIES_PREFIX } from '../../shared/pipeline/preprocess/summary-keys.js';
import { HANDLER_ENV } from '../config.js';
import { InvalidPropsError } from '../errors.js';
import type { Lake } from './lake.js';
import { nagArnOf } from './nag.js';
import { PipelineFunction } from './pipeline-function.js';
import { requireIntegerInRange } from './validate.js';

/** The three Lambda functions the state machine invokes. */
export interface PreprocessTasks {
  readonly prepare: lambda.IFunction;
  readonly features: lambda.IFunction;
  readonly finalize: lambda.IFunction;
}

export interface PreprocessDefinitionOptions {
  /** Symbols processed at once by the Map. @default 8 */
  readonly maxConcurrency?: number;
  /** Timeout of one symbol's features task (and of its Lambda). @default 15 minutes */
  readonly featuresTimeout?: Duration;
}

/** State names of the definition; the local runner and the tests find the states by them. */
export const PREPROCESS_STATES = {
  prepare: 'Prepare',
  map: 'FeaturesPerSymbol',
  features: 'EngineerSymbolFeatures',
  recordFailure: 'RecordFailedSymbol',
  finalize: 'Finalize',
} as const;

/**
 * Errors worth retrying with backoff: Lambda's own transient failures. Not a task timeout: the same
 * work would time out again, and each try of a 15-minute task eats the execution's time.
 */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/** Retries of a transient error; with the features task's one retry of anything, see {@link worstCaseSeconds}. */
const TRANSIENT_RETRY = { intervalSeconds: 2, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 60 } as const;
const ANY_ERROR_RETRY = { intervalSeconds: 1, maxAttempts: 1, backoffRate: 2, maxDelaySeconds: 1 } as const;

type RetryPolicy = {
  intervalSeconds: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds: number;
};

/**
 * The longest a task can take, every try timing out and every retry waiting its longest:
 * timeout × (1 + Σ attempts) + Σ delays. Each retrier counts its own attempts, so the sum bounds them.
 */
export function worstCaseSeconds(timeoutSeconds: number, retriers: readonly RetryPolicy[]): number {
  let total = timeoutSeconds;
  for (const r of retriers) {
    for (let i = 0; i < r.maxAttempts; i++) {
      total += timeoutSeconds + Math.min(r.intervalSeconds * r.backoffRate ** i, r.maxDelaySeconds);
    }
  }
  return total;
}

export const DEFAULT_MAX_CONCURRENCY = 8;
/** The feature files of every split, which a features task replaces and finalize prunes. */
const SPLITS = 'features/split=*';
/** The per-symbol summaries finalize reads and removes. */
const SUMMARIES = `${SUMMARIES_PREFIX}*` as const;
const PREPARE_TIMEOUT = Duration.minutes(5);
const FEATURES_TIMEOUT = Duration.minutes(15);

/**
 * The preprocess workflow (docs/features.md#the-state-machine) as a chain: Prepare → Map over the prepared symbols (bounded
 * concurrency; per symbol the features task with backoff retries, and a Catch that turns a failure
 * into a `{ symbol, ok: false, error, cause }` result instead of failing the run) → Finalize.
 * A factory, so the deployed machine and the local runner render the same ASL.
 *
 * @example new sfn.StateMachine(this, 'M', { definitionBody: sfn.DefinitionBody.fromChainable(preprocessDefinition(this, fns)) })
 */
export function preprocessDefinition(
  parent: Construct,
  tasks: PreprocessTasks,
  options: PreprocessDefinitionOptions = {},
): sfn.IChainable {
  const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  requireIntegerInRange(
    'Preprocess',
    'maxConcurrency',
    maxConcurrency,
    1,
    40,
    'symbols at once; inline Map runs ≤ 40',
  );
  const featuresTimeout = options.featuresTimeout ?? FEATURES_TIMEOUT;
  // States live in their own scope, so their ids (= state names) never clash with the caller's constructs.
  const scope = new Construct(parent, 'Definition');

  const prepare = invoke(scope, PREPROCESS_STATES.prepare, tasks.prepare, PREPARE_TIMEOUT);
  const features = invoke(scope, PREPROCESS_STATES.features, tasks.features, featuresTimeout);
  // Anything else (a corrupt file, a bug) gets one more try before the Catch records it.
  features.addRetry({
    errors: ['States.ALL'],
    interval: Duration.seconds(ANY_ERROR_RETRY.intervalSeconds),
    maxAttempts: ANY_ERROR_RETRY.maxAttempts,
    backoffRate: ANY_ERROR_RETRY.backoffRate,
  });
  const recordFailure = new sfn.Pass(scope, PREPROCESS_STATES.recordFailure, {
    parameters: {
      symbol: sfn.JsonPath.stringAt('$.symbol'),
      ok: false,
      error: sfn.JsonPath.stringAt('$.failure.Error'),
      cause: sfn.JsonPath.stringAt('$.failure.Cause'),
    },
  });
  features.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

  const perSymbol = new sfn.Map(scope, PREPROCESS_STATES.map, {
    itemsPath: '$.symbols',
    itemSelector: {
      interval: sfn.JsonPath.stringAt('$.interval'),
      stepMs: sfn.JsonPath.numberAt('$.stepMs'),
      range: sfn.JsonPath.objectAt('$.range'),
      boundaries: sfn.JsonPath.objectAt('$.boundaries'),
      symbol: sfn.JsonPath.stringAt('$$.Map.Item.Value.symbol'),
      first: sfn.JsonPath.numberAt('$$.Map.Item.Value.first'),
      last: sfn.JsonPath.numberAt('$$.Map.Item.Value.last'),
    },
    maxConcurrency,
    resultPath: '$.results',
  });
  perSymbol.itemProcessor(features);

  const finalize = invoke(scope, PREPROCESS_STATES.finalize, tasks.finalize, PREPARE_TIMEOUT);
  return sfn.Chain.start(prepare).next(perSymbol).next(finalize);
}

/** A LambdaInvoke task with the payload as its result and backoff retries on Lambda's transient errors. */
export function invoke(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  timeout: Duration,
): sfnTasks.LambdaInvoke {
  const task = new sfnTasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    taskTimeout: sfn.Timeout.duration(timeout),
    retryOnServiceExceptions: false,
  });
  task.addRetry({
    errors: [...TRANSIENT_ERRORS],
    interval: Duration.seconds(TRANSIENT_RETRY.intervalSeconds),
    maxAttempts: TRANSIENT_RETRY.maxAttempts,
    backoffRate: TRANSIENT_RETRY.backoffRate,
    maxDelay: Duration.seconds(TRANSIENT_RETRY.maxDelaySeconds),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/** Prebuilt bundles per preprocess handler (CI artifacts); each one missing is bundled from `functions/`. */
export interface PreprocessCode {
  readonly prepare?: lambda.Code;
  readonly features?: lambda.Code;
  readonly finalize?: lambda.Code;
}

export interface PreprocessProps {
  /** The lake: tasks read `bars/` and write `features/`. */
  readonly lake: Lake;
  /** @default 8 */
  readonly maxConcurrency?: number;
  /** Whole-run timeout. @default 2 hours */
  readonly timeout?: Duration;
  /** Memory of the features task; one symbol at a time, a year of 1m bars fits 1 GB. @default 1024 */
  readonly featuresMemoryMb?: number;
  /** Nightly run's schedule. @default cron 02:30 UTC every day */
  readonly schedule?: events.Schedule;
  /** Whether the nightly rule is on. @default false */
  readonly scheduleEnabled?: boolean;
  /** Execution input of the nightly run. @default {} (interval 1m, the whole lake) */
  readonly scheduledInput?: Readonly<Record<string, string | number>>;
  /** @default bundle each handler from `functions/preprocess/<task>/index.ts` */
  readonly code?: PreprocessCode;
  /** esbuild overrides for the three handlers. @default none */
  readonly bundling?: nodejs.BundlingOptions;
}

/**
 * Batch feature engineering on Step Functions: the three task functions, the Standard state machine
 * from {@link preprocessDefinition} with a timeout, CloudWatch Logs (ALL, with execution data) and
 * X-Ray, and a nightly EventBridge rule that is off unless `scheduleEnabled`. Each function gets only
 * what its task does: prepare lists and reads `bars/`; features reads `bars/`, writes and deletes its
 * files under `features/split=…/`; finalize reads the summaries and writes the manifest.
 */
export class Preprocess extends Construct {
  readonly prepareFunction: nodejs.NodejsFunction;
  readonly featuresFunction: nodejs.NodejsFunction;
  readonly finalizeFunction: nodejs.NodejsFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  readonly nightlyRule: events.Rule;

  constructor(scope: Construct, id: string, props: PreprocessProps) {
    super(scope, id);
    const featuresMemoryMb = props.featuresMemoryMb ?? 1024;
    requireIntegerInRange(
      'Preprocess',
      'featuresMemoryMb',
      featuresMemoryMb,
      512,
      10240,
      'Lambda memory in MB',
    );
    const timeout = props.timeout ?? Duration.hours(2);
    requireIntegerInRange(
      'Preprocess',
      'timeout',
      timeout.toSeconds(),
      60,
      86_400,
      'seconds, 1 minute to 1 day',
    );

    // A run of one symbol, every task at its worst, must end before the execution times out; more
    // symbols than the Map's concurrency run in waves, which the timeout must then also cover.
    const prepareWorst = worstCaseSeconds(PREPARE_TIMEOUT.toSeconds(), [TRANSIENT_RETRY]);
    const featuresWorst = worstCaseSeconds(FEATURES_TIMEOUT.toSeconds(), [TRANSIENT_RETRY, ANY_ERROR_RETRY]);
    const oneWave = 2 * prepareWorst + featuresWorst;
    if (oneWave > timeout.toSeconds()) {
      throw new InvalidPropsError(
        'Preprocess',
        'timeout',
        timeout.toSeconds(),
        `use at least ${oneWave} s: prepare, one features task and finalize with every retry at its longest take that long`,
      );
    }

    const fn = (task: keyof PreprocessCode, memoryMb: number, timeoutSeconds: number) =>
      new PipelineFunction(this, `${task[0]!.toUpperCase()}${task.slice(1)}`, {
        entry: `functions/preprocess/${task}/index.ts`,
        code: props.code?.[task],
        bundling: props.bundling,
        shipParquetWasm: true,
        memoryMb,
        timeoutSeconds,
        description: `tickflow preprocess: ${task} task`,
        environment: { [HANDLER_ENV.lakeBucket]: props.lake.bucket.bucketName },
      }).function;
    this.prepareFunction = fn('prepare', 512, PREPARE_TIMEOUT.toSeconds());
    this.featuresFunction = fn('features', featuresMemoryMb, FEATURES_TIMEOUT.toSeconds());
    this.finalizeFunction = fn('finalize', 512, PREPARE_TIMEOUT.toSeconds());
    this.grantLakeAccess(props.lake);

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const definition = preprocessDefinition(
      this,
      { prepare: this.prepareFunction, features: this.featuresFunction, finalize: this.finalizeFunction },
      { maxConcurrency: props.maxConcurrency, featuresTimeout: FEATURES_TIMEOUT },
    );
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.nightlyRule = new events.Rule(this, 'Nightly', {
      description: 'tickflow: nightly feature engineering run',
      schedule: props.schedule ?? events.Schedule.cron({ minute: '30', hour: '2' }),
      enabled: props.scheduleEnabled ?? false,
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          input: events.RuleTargetInput.fromObject(props.scheduledInput ?? {}),
          retryAttempts: 2,
        }),
      ],
    });
    this.acknowledgeServiceWildcards();
  }

  private grantLakeAccess(lake: Lake): void {
    const prepare = this.prepareFunction;
    lake.grantListPrefixes(prepare, ['bars/']);
    lake.grantReadObjects(prepare, ['bars/']);

    const features = this.featuresFunction;
    lake.grantListPrefixes(features, ['bars/', 'features/']);
    lake.grantReadObjects(features, ['bars/']);
    lake.grantWrite(features, ['features/']);
    lake.grantObjectActions(features, ['s3:DeleteObject'], [SPLITS]);

    const finalize = this.finalizeFunction;
    lake.grantListPrefixes(finalize, ['features/']);
    lake.grantObjectActions(finalize, ['s3:GetObject'], [SUMMARIES]);
    lake.grantObjectActions(finalize, ['s3:PutObject'], [MANIFEST_KEY]);
    lake.grantObjectActions(finalize, ['s3:DeleteObject'], [SPLITS, SUMMARIES]);
    lake.encryptionKey?.grantEncryptDecrypt(finalize);
  }

  /** The wildcards CDK itself writes into the state machine's role, each with its reason. */
  private acknowledgeServiceWildcards(): void {
    const role = this.stateMachine.role;
    for (const fn of [this.prepareFunction, this.featuresFunction, this.finalizeFunction]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArnOf(fn)}:*]`,
        reason: 'LambdaInvoke grants the function and its versions/aliases (`:*`) of this one function only.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/GetSampling* and CloudWatch Logs delivery actions support no resource scoping.',
    });
  }
}
