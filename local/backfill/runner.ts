import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  type BackfillDefinitionOptions,
  type BackfillTasks,
  backfillDefinition,
} from '../../infra/constructs/backfill.js';
import { backfillLake } from '../../shared/adapters/backfill/lake.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import type { ObjectStore } from '../../shared/adapters/s3-object-store.js';
import {
  type BackfillOutcome,
  type BackfillRequest,
  backfillSymbol,
  prepareBackfill,
  type SymbolBackfillInput,
  type SymbolBackfillResult,
} from '../../shared/pipeline/backfill/index.js';
import { installPromiseWithResolvers } from '../preprocess/polyfill.js';
import { type LocalHandler, localHandlersByState } from '../preprocess/runner.js';

/** Placeholder function ARNs of the local rendering; the runner maps each one to its local handler. */
export const BACKFILL_TASK_ARNS: Readonly<Record<keyof BackfillTasks, string>> = {
  prepare: 'arn:aws:lambda:us-east-1:123456789012:function:tickflow-backfill-prepare',
  symbol: 'arn:aws:lambda:us-east-1:123456789012:function:tickflow-backfill-symbol',
};

/** The backfill ASL exactly as `Backfill` deploys it, rendered from the same factory (a new object per call). */
export function renderBackfillDefinition(options: BackfillDefinitionOptions = {}): StateMachineDefinition {
  const stack = new Stack(new App(), 'BackfillRender');
  const tasks: BackfillTasks = {
    prepare: lambda.Function.fromFunctionArn(stack, 'Prepare', BACKFILL_TASK_ARNS.prepare),
    symbol: lambda.Function.fromFunctionArn(stack, 'Symbol', BACKFILL_TASK_ARNS.symbol),
  };
  const chain = backfillDefinition(stack, tasks, options);
  const graph = stack.resolve(new sfn.StateGraph(chain.startState, 'backfill').toGraphJson());
  return JSON.parse(JSON.stringify(graph)) as StateMachineDefinition;
}

export interface LocalBackfillOptions {
  /** The lake directory: bronze `ticks/` in, `bars/` and `late/` replaced. */
  readonly lakeDir: string;
  readonly request: BackfillRequest;
  /** Map MaxConcurrency. @default 8 */
  readonly maxConcurrency?: number;
  /** Called as each symbol is done. */
  readonly onSymbol?: (result: SymbolBackfillResult) => void;
  /** Wait before each retry instead of the definition's backoff (tests). */
  readonly retryDelayMs?: number;
  /** Another store instead of the lake directory (tests that inject faults). @default FileObjectStore(lakeDir) */
  readonly store?: ObjectStore;
}

/**
 * Runs the backfill state machine on this machine: the ASL rendered from the CDK factory the stack
 * deploys, on aws-local-stepfunctions, with the tasks mapped to the local handlers over the lake
 * directory. Resolves to the execution's output; rejects when the execution fails.
 */
export async function runBackfillLocally(
  options: LocalBackfillOptions,
): Promise<{ outcome: BackfillOutcome; elapsedMs: number }> {
  installPromiseWithResolvers();
  const started = Date.now();
  const lake = backfillLake(options.store ?? new FileObjectStore(options.lakeDir));
  const definition = renderBackfillDefinition({ maxConcurrency: options.maxConcurrency });
  const handlers = localHandlersByState(
    definition,
    new Map<string, LocalHandler>([
      [BACKFILL_TASK_ARNS.prepare, async (input: unknown) => prepareBackfill(lake, input as BackfillRequest)],
      [
        BACKFILL_TASK_ARNS.symbol,
        async (input: unknown) => {
          const result = await backfillSymbol(lake, input as SymbolBackfillInput);
          options.onSymbol?.(result);
          return result;
        },
      ],
    ]),
  );
  const retryIntervalOverrides =
    options.retryDelayMs === undefined
      ? undefined
      : Object.fromEntries(Object.keys(handlers).map((name) => [name, options.retryDelayMs!]));
  const execution = new StateMachine(structuredClone(definition)).run(
    options.request as unknown as Record<string, string>,
    { overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides } as never },
  );
  const outcome = (await execution.result) as unknown as BackfillOutcome;
  return { outcome, elapsedMs: Date.now() - started };
}
