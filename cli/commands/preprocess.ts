import { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { runPreprocessLocally, type SymbolProgress } from '../../local/preprocess/index.js';
import {
  followPreprocessExecution,
  type StepFunctionsClient,
  startPreprocessExecution,
} from '../../shared/adapters/preprocess/aws-execution.js';
import type { PreprocessOutcome, PreprocessRequest } from '../../shared/pipeline/preprocess/index.js';
import { positiveInt, UsageError } from '../options.js';

interface PreprocessOptions {
  lake?: string;
  aws?: boolean;
  stateMachine?: string;
  wait?: boolean;
  interval: string;
  from?: string;
  to?: string;
  concurrency?: number;
}

/** Environment variable naming the deployed state machine when `--state-machine` is not given. */
export const STATE_MACHINE_ENV = 'TICKFLOW_PREPROCESS_STATE_MACHINE';

/** Output streams and the Step Functions client, injectable for tests. */
export interface PreprocessCommandDeps {
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  readonly sfn?: () => StepFunctionsClient;
}

/**
 * `tickflow preprocess`: the feature-engineering state machine, either locally over a lake
 * directory (`--lake DIR`, the same ASL on an interpreter) or in AWS (`--aws`, StartExecution and,
 * with `--wait`, follow it). Prints progress per symbol, the split sizes and failed symbols; the
 * exit code is 1 when any symbol failed.
 */
export function register(program: Command, deps: PreprocessCommandDeps = {}): void {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  program
    .command('preprocess')
    .description('Feature engineering on Step Functions: locally over --lake DIR, or in AWS with --aws')
    .option('--lake <dir>', 'local lake directory (bars/ in, features/ out)')
    .option('--aws', 'start the deployed state machine instead')
    .option('--state-machine <arn>', `state machine ARN (default $${STATE_MACHINE_ENV})`)
    .option('--wait', 'with --aws: follow the execution until it ends')
    .option('--interval <label>', 'bar interval to engineer', '1m')
    .option('--from <date>', 'first window_start: YYYY-MM-DD, ISO instant or epoch ms')
    .option('--to <date>', 'last window_start (a bare date means through its end)')
    .option('--concurrency <n>', 'symbols at once (Map MaxConcurrency, 1–40)', positiveInt)
    .action(async (opts: PreprocessOptions) => {
      const request: PreprocessRequest = { interval: opts.interval, from: opts.from, to: opts.to };
      if (Boolean(opts.aws) === Boolean(opts.lake))
        throw new UsageError('give exactly one of --lake DIR or --aws');
      const outcome = opts.lake
        ? await runLocal(opts.lake, request, opts.concurrency, err)
        : await runInAws(opts, request, deps.sfn ?? (() => new SFNClient({})), out, err);
      if (outcome === undefined) return;
      out(renderOutcome(outcome));
      if (outcome.status !== 'SUCCEEDED') process.exitCode = 1;
    });
}

async function runLocal(
  lakeDir: string,
  request: PreprocessRequest,
  concurrency: number | undefined,
  err: (text: string) => void,
): Promise<PreprocessOutcome> {
  const { outcome, elapsedMs } = await runPreprocessLocally({
    lakeDir,
    request,
    maxConcurrency: concurrency,
    onSymbol: (p) => err(renderProgress(p)),
  });
  err(`preprocess finished in ${(elapsedMs / 1000).toFixed(1)} s\n`);
  return outcome;
}

async function runInAws(
  opts: PreprocessOptions,
  request: PreprocessRequest,
  sfn: () => StepFunctionsClient,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<PreprocessOutcome | undefined> {
  const arn = opts.stateMachine ?? process.env[STATE_MACHINE_ENV];
  if (!arn) throw new UsageError(`--aws needs --state-machine ARN or $${STATE_MACHINE_ENV}`);
  const client = sfn();
  const executionArn = await startPreprocessExecution(client, arn, request);
  out(`started ${executionArn}\n`);
  if (!opts.wait) return undefined;
  let done = 0;
  return followPreprocessExecution(client, executionArn, {
    onEvent: (event) => {
      if (event.type === 'MapIterationSucceeded' || event.type === 'MapIterationFailed') {
        err(`symbols done: ${++done}\n`);
      }
    },
  });
}

/** One progress line per symbol event. */
export function renderProgress(p: SymbolProgress): string {
  const where = `[${p.done}/${p.total}] ${p.symbol}`;
  if (p.status === 'succeeded') return `${where} ok\n`;
  return `${where} ${p.status === 'retrying' ? 'retrying after' : 'FAILED:'} ${p.error}\n`;
}

/** The run's summary: status, split sizes, manifest, failed symbols. */
export function renderOutcome(o: PreprocessOutcome): string {
  const lines = [
    `status ${o.status}: ${o.symbols} symbol(s) of ${o.interval}`,
    `rows: train ${o.rows.train}, val ${o.rows.val}, test ${o.rows.test}`,
    `manifest: ${o.manifestKey}`,
  ];
  if (o.failedSymbols.length > 0) {
    lines.push(`failed symbols (${o.failedSymbols.length}):`);
    for (const f of o.failedSymbols) lines.push(`  ${f.symbol}: ${f.error}: ${f.cause}`);
  }
  return `${lines.join('\n')}\n`;
}
