import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HANDLER_ENV } from '../config.js';
import type { Lake } from './lake.js';
import { nagArnOf } from './nag.js';
import { PipelineFunction } from './pipeline-function.js';
import { invoke } from './preprocess.js';
import { requireIntegerInRange } from './validate.js';

/** The two Lambda functions the backfill state machine invokes. */
export interface BackfillTasks {
  readonly prepare: lambda.IFunction;
  readonly symbol: lambda.IFunction;
}

export interface BackfillDefinitionOptions {
  /** Symbols replayed at once by the Map. @default 8 */
  readonly maxConcurrency?: number;
}

/** State names of the definition; the local runner and the tests find the states by them. */
export const BACKFILL_STATES = {
  prepare: 'PrepareBackfill',
  map: 'BackfillPerSymbol',
  symbol: 'ReplaySymbolFromBronze',
} as const;

const PREPARE_TIMEOUT = Duration.minutes(5);
const SYMBOL_TIMEOUT = Duration.minutes(15);

/**
 * The backfill workflow as a chain, built like preprocess's (same task retries): Prepare (resolve
 * the request, list the symbols with bronze ticks in the range) → Map over the symbols with bounded
 * concurrency, each replaying its bronze ticks and replacing its partitions, retried on any error.
 * A symbol that still fails fails the execution: every task is idempotent, so running the same
 * request again repairs whatever the failed run left. A factory, so the deployed machine and the
 * local runner render the same ASL.
 */
export function backfillDefinition(
  parent: Construct,
  tasks: BackfillTasks,
  options: BackfillDefinitionOptions = {},
): sfn.IChainable {
  const maxConcurrency = options.maxConcurrency ?? 8;
  requireIntegerInRange(
    'Backfill',
    'maxConcurrency',
    maxConcurrency,
    1,
    40,
    'symbols at once; inline Map runs ≤ 40',
  );
  const scope = new Construct(parent, 'Definition');
  const prepare = invoke(scope, BACKFILL_STATES.prepare, tasks.prepare, PREPARE_TIMEOUT);
  const symbol = invoke(scope, BACKFILL_STATES.symbol, tasks.symbol, SYMBOL_TIMEOUT);
  // A corrupt read or a throttled write: two more tries before the execution fails.
  symbol.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 2, backoffRate: 2 });
  const perSymbol = new sfn.Map(scope, BACKFILL_STATES.map, {
    itemsPath: '$.symbols',
    itemSelector: {
      symbol: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      from: sfn.JsonPath.stringAt('$.from'),
      to: sfn.JsonPath.stringAt('$.to'),
      intervals: sfn.JsonPath.listAt('$.intervals'),
      allowedLatenessMs: sfn.JsonPath.numberAt('$.allowedLatenessMs'),
      dedupHorizonMs: sfn.JsonPath.numberAt('$.dedupHorizonMs'),
    },
    maxConcurrency,
    resultPath: '$.results',
  });
  perSymbol.itemProcessor(symbol);
  return sfn.Chain.start(prepare).next(perSymbol);
}

export interface BackfillProps {
  /** The lake: tasks read `ticks/` and replace files under `bars/` and `late/`. */
  readonly lake: Lake;
  /** @default 8 */
  readonly maxConcurrency?: number;
  /** Memory of the per-symbol task: a symbol's ticks of the range plus two days are held at once. @default 2048 */
  readonly symbolMemoryMb?: number;
  /** Whole-run timeout. @default 6 hours */
  readonly timeout?: Duration;
  /** @default bundle each handler from `functions/backfill/<task>/index.ts` */
  readonly code?: { readonly prepare?: lambda.Code; readonly symbol?: lambda.Code };
  /** esbuild overrides. @default none */
  readonly bundling?: nodejs.BundlingOptions;
}

/**
 * Recomputes bars and late ticks from the bronze layer on Step Functions (`tickflow backfill --aws`):
 * the two task functions, a Standard state machine from {@link backfillDefinition} with a timeout,
 * CloudWatch Logs and X-Ray. Prepare may only list the bucket; the symbol task reads `ticks/` and
 * `_marks/` and
 * writes and deletes under `bars/` and `late/`.
 */
export class Backfill extends Construct {
  readonly prepareFunction: nodejs.NodejsFunction;
  readonly symbolFunction: nodejs.NodejsFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BackfillProps) {
    super(scope, id);
    const symbolMemoryMb = props.symbolMemoryMb ?? 2048;
    requireIntegerInRange('Backfill', 'symbolMemoryMb', symbolMemoryMb, 512, 10240, 'Lambda memory in MB');
    const timeout = props.timeout ?? Duration.hours(6);
    requireIntegerInRange(
      'Backfill',
      'timeout',
      timeout.toSeconds(),
      60,
      86_400,
      'seconds, 1 minute to 1 day',
    );

    const fn = (task: 'prepare' | 'symbol', memoryMb: number, timeoutSeconds: number) =>
      new PipelineFunction(this, `${task[0]!.toUpperCase()}${task.slice(1)}`, {
        entry: `functions/backfill/${task}/index.ts`,
        code: props.code?.[task],
        bundling: props.bundling,
        shipParquetWasm: true,
        memoryMb,
        timeoutSeconds,
        description: `tickflow backfill: ${task} task`,
        environment: { [HANDLER_ENV.lakeBucket]: props.lake.bucket.bucketName },
      }).function;
    this.prepareFunction = fn('prepare', 512, PREPARE_TIMEOUT.toSeconds());
    this.symbolFunction = fn('symbol', symbolMemoryMb, SYMBOL_TIMEOUT.toSeconds());

    props.lake.grantListBucket(this.prepareFunction);
    props.lake.grantListBucket(this.symbolFunction);
    props.lake.grantReadObjects(this.symbolFunction, ['ticks/', '_marks/']);
    props.lake.grantWrite(this.symbolFunction, ['bars/', 'late/']);
    props.lake.grantDeleteObjects(this.symbolFunction, ['bars/', 'late/']);

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        backfillDefinition(
          this,
          { prepare: this.prepareFunction, symbol: this.symbolFunction },
          { maxConcurrency: props.maxConcurrency },
        ),
      ),
      timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    const role = this.stateMachine.role;
    for (const f of [this.prepareFunction, this.symbolFunction]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArnOf(f)}:*]`,
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
