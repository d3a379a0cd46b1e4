import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { PREPROCESS_STATES, type PreprocessTasks } from '../../infra/constructs/preprocess.js';
import { FileObjectStore } from '../../shared/adapters/file-object-store.js';
import { parquetLake } from '../../shared/adapters/parquet/lake.js';
import type { ObjectStore } from '../../shared/adapters/s3-object-store.js';
import {
  engineerSymbol,
  type FinalizeInput,
  finalizeRun,
  type PreparedRun,
  type PreprocessOutcome,
  type PreprocessRequest,
  prepareRun,
  type SymbolTaskInput,
} from '../../shared/pipeline/preprocess/index.js';
import { LOCAL_TASK_ARNS, renderPreprocessDefinition } from './definition.js';
import { installPromiseWithResolvers } from './polyfill.js';

/** What the runner reports about one symbol as the Map works through it. */
export type SymbolProgress =
  | { readonly symbol: string; readonly status: 'succeeded'; readonly done: number; readonly total: number }
  | {
      readonly symbol: string;
      readonly status: 'retrying' | 'failed';
      readonly error: string;
      readonly done: number;
      readonly total: number;
    };

export interface LocalPreprocessOptions {
  /** The lake directory (`--lake DIR`): bars are read from it, features written to it. */
  readonly lakeDir: string;
  /** The execution input. @default {} (interval 1m, the whole lake) */
  readonly request?: PreprocessRequest;
  /** Map MaxConcurrency. @default 8 */
  readonly maxConcurrency?: number;
  /** Called as each symbol succeeds, is retried, or fails for good. */
  readonly onSymbol?: (progress: SymbolProgress) => void;
  /** Wait before each retry instead of the definition's backoff (tests). @default the definition's */
  readonly retryDelayMs?: number;
  /** Another store instead of the lake directory (tests that inject faults). @default FileObjectStore(lakeDir) */
  readonly store?: ObjectStore;
}

export interface LocalPreprocessResult {
  readonly outcome: PreprocessOutcome;
  /** Features task attempts per symbol (1 = no retry). */
  readonly attempts: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  /** State transitions as Step Functions bills them: every state entered, and every retry. */
  readonly stateTransitions: number;
}

/** The rendered definition names a Task resource no local handler serves. */
export class UnmappedTaskError extends Error {
  override readonly name = 'UnmappedTaskError';
  constructor(
    readonly stateName: string,
    readonly resource: string,
  ) {
    super(`task state ${stateName} calls ${resource}, which has no local handler`);
  }
}

export type LocalHandler = (input: unknown) => Promise<unknown>;
/** The interpreter's event type (not exported by the package). */
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/**
 * Runs the preprocess state machine on this machine: the ASL rendered from the same CDK factory the
 * stack deploys, interpreted by aws-local-stepfunctions, with each Lambda ARN of the definition
 * mapped to the local handler over a {@link FileObjectStore}. Resolves to finalize's outcome.
 *
 * @example const { outcome } = await runPreprocessLocally({ lakeDir: '.tickflow/t1/lake', onSymbol: console.log })
 */
export async function runPreprocessLocally(options: LocalPreprocessOptions): Promise<LocalPreprocessResult> {
  installPromiseWithResolvers();
  const started = Date.now();
  const store = parquetLake(options.store ?? new FileObjectStore(options.lakeDir));
  const handlersByArn: Record<keyof PreprocessTasks, LocalHandler> = {
    prepare: async (input) => prepareRun(store, input as PreprocessRequest),
    features: async (input) => engineerSymbol(store, input as SymbolTaskInput),
    finalize: async (input) => finalizeRun(store, input as FinalizeInput),
  };
  const definition = renderPreprocessDefinition({ maxConcurrency: options.maxConcurrency });
  const taskResourceLocalHandlers = localHandlersByState(
    definition,
    new Map(
      (Object.keys(LOCAL_TASK_ARNS) as (keyof PreprocessTasks)[]).map((task) => [
        LOCAL_TASK_ARNS[task],
        handlersByArn[task],
      ]),
    ),
  );
  const retryIntervalOverrides =
    options.retryDelayMs === undefined
      ? undefined
      : Object.fromEntries(
          Object.keys(taskResourceLocalHandlers).map((name) => [name, options.retryDelayMs!]),
        );

  const machine = new StateMachine(structuredClone(definition));
  const execution = machine.run((options.request ?? {}) as Record<string, string | number>, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides } as never,
  });
  const attempts: Record<string, number> = {};
  const [output, stateTransitions] = await Promise.all([
    execution.result,
    followSymbols(execution.eventLogs, attempts, options.onSymbol),
  ]);
  return {
    outcome: output as unknown as PreprocessOutcome,
    attempts,
    elapsedMs: Date.now() - started,
    stateTransitions,
  };
}

/**
 * Maps every Task state of a rendered definition (Map processors included) to the local handler of
 * its Lambda ARN; a Task whose ARN has none is an error. Shared by the local preprocess and backfill runs.
 */
export function localHandlersByState(
  definition: StateMachineDefinition,
  byArn: ReadonlyMap<string, LocalHandler>,
): Record<string, LocalHandler> {
  const out: Record<string, LocalHandler> = {};
  const visit = (states: StateMachineDefinition['States']) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const handler = byArn.get(state.Resource);
        if (handler === undefined) throw new UnmappedTaskError(name, state.Resource);
        out[name] = handler;
      }
      if (state.Type === 'Map') visit((state.ItemProcessor ?? state.Iterator)!.States);
    }
  };
  visit(definition.States);
  return out;
}

/** Turns the execution's events into per-symbol progress and attempt counts; resolves to the state transitions. */
async function followSymbols(
  events: AsyncGenerator<EventLog>,
  attempts: Record<string, number>,
  onSymbol?: (progress: SymbolProgress) => void,
): Promise<number> {
  let transitions = 0;
  let total = 0;
  let done = 0;
  const lastFailure: Record<string, string> = {};
  for await (const event of events) {
    if (event.type === 'StateEntered' || event.type === 'StateRetried') transitions++;
    if (!('state' in event)) continue;
    const { state } = event;
    if (state.name === PREPROCESS_STATES.prepare && event.type === 'StateExited') {
      total = (state.output as unknown as PreparedRun).symbols.length;
    }
    if (state.name !== PREPROCESS_STATES.features) continue;
    const symbol = (state.input as unknown as SymbolTaskInput).symbol;
    if (event.type === 'StateEntered') attempts[symbol] = 1;
    else if (event.type === 'StateFailed')
      lastFailure[symbol] = `${event.Error}: ${String(event.Cause ?? '')}`;
    else if (event.type === 'StateRetried') {
      attempts[symbol] = (attempts[symbol] ?? 1) + 1;
      onSymbol?.({ symbol, status: 'retrying', error: lastFailure[symbol] ?? 'unknown error', done, total });
    } else if (event.type === 'StateExited') {
      onSymbol?.({ symbol, status: 'succeeded', done: ++done, total });
    } else if (event.type === 'StateCaught') {
      onSymbol?.({
        symbol,
        status: 'failed',
        error: lastFailure[symbol] ?? 'unknown error',
        done: ++done,
        total,
      });
    }
  }
  return transitions;
}
