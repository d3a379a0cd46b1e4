import { SFNClient } from '@aws-sdk/client-sfn';
import { type Command, InvalidArgumentError } from 'commander';
import { runBackfillLocally } from '../../local/backfill/index.js';
import {
  followPreprocessExecution,
  type StepFunctionsClient,
  startPreprocessExecution,
} from '../../shared/adapters/preprocess/aws-execution.js';
import {
  type BackfillOutcome,
  type BackfillRequest,
  BackfillRequestError,
  resolveBackfillRequest,
  type SymbolBackfillResult,
} from '../../shared/pipeline/backfill/index.js';
import { duration, list, positiveInt, UsageError } from '../options.js';

interface BackfillOptions {
  lake?: string;
  aws?: boolean;
  stateMachine?: string;
  wait?: boolean;
  from: string;
  to: string;
  symbols?: string[];
  intervals?: string[];
  lateness?: number;
  dedupHorizon?: number;
  concurrency?: number;
}

/** Environment variable naming the deployed backfill state machine when `--state-machine` is not given. */
export const BACKFILL_STATE_MACHINE_ENV = 'TICKFLOW_BACKFILL_STATE_MACHINE';

export interface BackfillCommandDeps {
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  readonly sfn?: () => StepFunctionsClient;
}

/**
 * `tickflow backfill`: recomputes bars and late ticks from the bronze layer for a date range,
 * replacing the affected partitions — locally over a lake directory (the backfill ASL on an
 * interpreter) or in AWS (`--aws`, StartExecution and, with `--wait`, follow it).
 */
export function register(program: Command, deps: BackfillCommandDeps = {}): void {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  program
    .command('backfill')
    .description(
      'Recompute bars and late ticks from the bronze layer (ticks/) for a date range, replacing those partitions',
    )
    .option('--lake <dir>', 'local lake directory (ticks/ in, bars/ and late/ replaced)')
    .option('--aws', 'start the deployed backfill state machine instead')
    .option('--state-machine <arn>', `state machine ARN (default $${BACKFILL_STATE_MACHINE_ENV})`)
    .option('--wait', 'with --aws: follow the execution until it ends')
    .requiredOption('--from <date>', 'first UTC date to rewrite, YYYY-MM-DD', utcDateArg)
    .requiredOption('--to <date>', 'last UTC date to rewrite (inclusive), YYYY-MM-DD', utcDateArg)
    .option(
      '--symbols <list>',
      'symbols, comma-separated (default: every symbol with ticks in the range)',
      list,
    )
    .option('--intervals <list>', "interval labels, e.g. 1m,4h,30m_5m (default: the pipeline's)", list)
    .option('--lateness <duration>', "allowed lateness, e.g. 10m (default: the pipeline's)", duration)
    .option('--dedup-horizon <duration>', 'dedup horizon (default: the lateness)', duration)
    .option('--concurrency <n>', 'symbols at once (Map MaxConcurrency, 1–40)', positiveInt)
    .addHelpText(
      'after',
      `
Each symbol's bronze ticks from the day before --from to the day after --to are replayed in their
arrival order (shard sequence number, position in the record) through the streaming engine, then
every bars/ and late/ partition of the range is replaced by one atomic PUT (readers see the old file
or the new one); partitions the replay leaves empty are deleted. Re-running the same command repairs
an interrupted run. Windows longer than a day, and ticks that arrived more than a day out of order,
are outside what the lead-in covers.`,
    )
    .action(async (opts: BackfillOptions) => {
      if (Boolean(opts.aws) === Boolean(opts.lake))
        throw new UsageError('give exactly one of --lake DIR or --aws');
      const request: BackfillRequest = {
        from: opts.from,
        to: opts.to,
        ...(opts.symbols && { symbols: opts.symbols }),
        ...(opts.intervals && { intervals: opts.intervals }),
        ...(opts.lateness !== undefined && { allowedLatenessMs: opts.lateness }),
        ...(opts.dedupHorizon !== undefined && { dedupHorizonMs: opts.dedupHorizon }),
      };
      try {
        resolveBackfillRequest(request);
      } catch (e) {
        if (e instanceof BackfillRequestError) throw new UsageError(e.message);
        throw e;
      }
      let outcome: BackfillOutcome | undefined;
      if (opts.lake) {
        const run = await runBackfillLocally({
          lakeDir: opts.lake,
          request,
          maxConcurrency: opts.concurrency,
          onSymbol: (r) => err(renderSymbol(r)),
        });
        outcome = run.outcome;
        err(`backfill finished in ${(run.elapsedMs / 1000).toFixed(1)} s\n`);
      } else {
        const arn = opts.stateMachine ?? process.env[BACKFILL_STATE_MACHINE_ENV];
        if (!arn) throw new UsageError(`--aws needs --state-machine ARN or $${BACKFILL_STATE_MACHINE_ENV}`);
        const client = (deps.sfn ?? (() => new SFNClient({})))();
        const executionArn = await startPreprocessExecution(client, arn, request);
        out(`started ${executionArn}\n`);
        if (!opts.wait) return;
        outcome = await followPreprocessExecution<BackfillOutcome>(client, executionArn);
      }
      out(renderOutcome(outcome));
    });
}

function utcDateArg(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new InvalidArgumentError(`expected a UTC date YYYY-MM-DD, got "${value}"`);
  return value;
}

function renderSymbol(r: SymbolBackfillResult): string {
  const bars = Object.entries(r.bars)
    .map(([i, n]) => `${i} ${n}`)
    .join(', ');
  return `${r.symbol}: ${r.ticks} ticks replayed, bars ${bars}; ${r.filesWritten} file(s) written, ${r.filesDeleted} deleted\n`;
}

/** The run's summary: range, settings, per-interval totals. */
export function renderOutcome(o: BackfillOutcome): string {
  const bars: Record<string, number> = {};
  const late: Record<string, number> = {};
  for (const r of o.results) {
    for (const [i, n] of Object.entries(r.bars)) bars[i] = (bars[i] ?? 0) + n;
    for (const [i, n] of Object.entries(r.late)) late[i] = (late[i] ?? 0) + n;
  }
  const lines = [
    `backfill ${o.from} … ${o.to}: ${o.symbols.length} symbol(s), lateness ${o.allowedLatenessMs} ms, dedup horizon ${o.dedupHorizonMs} ms`,
    'interval   bars      late',
    ...o.intervals.map((i) => `${i.padEnd(10)} ${String(bars[i] ?? 0).padEnd(9)} ${late[i] ?? 0}`),
  ];
  return `${lines.join('\n')}\n`;
}
