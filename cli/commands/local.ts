import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONFIG } from '../../infra/config.js';
import { scheduledFunctions } from '../../infra/cost-inventory.js';
import { runPreprocessLocally } from '../../local/preprocess/index.js';
import { usd as formatUsd } from '../../local/run/cost-format.js';
import { LOCAL_RUN_DEFAULTS, type LocalRunOptions, runLocalPipeline } from '../../local/run/local-run.js';
import { type PostRunStep, runPostRunSteps } from '../../local/run/post-run.js';
import { reportStep } from '../../local/run/report-step.js';
import { type ServingChoice, startLocalServing } from '../../local/run/serving.js';
import { formatSummary, type RunSummary } from '../../local/run/summary.js';
import {
  DEFAULT_EVENT_TIME_FROM_MS,
  DEFAULT_EVENT_TIME_TO_MS,
  DEFAULT_MAX_FUTURE_SKEW_MS,
} from '../../shared/config.js';
import { addUsage, costOfRun } from '../../shared/cost/index.js';
import { parseEventTimeText, parseIntervals } from '../../shared/domain/index.js';
import { EXIT_CODES, EXIT_CODES_HELP } from '../exit-codes.js';
import {
  duration,
  durationText,
  list,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
  probability,
  UsageError,
} from '../options.js';
import { type AlertFlags, alertConfigFromFlags } from './alert-flags.js';
import { renderOutcome, renderProgress } from './preprocess.js';

interface LocalRunFlags extends AlertFlags {
  replay?: string;
  simulate?: boolean;
  out: string;
  symbols: number;
  ticks: number;
  rate?: number;
  seed: string;
  source: 'kinesis' | 'kafka';
  shards: number;
  batchSize: number;
  batchingWindow: number;
  intervals: string[];
  lateness: number;
  dedupHorizon?: number;
  idleTimeout: number;
  compactEvery?: number;
  tsFrom: number;
  tsTo: number;
  maxSkew: number;
  pack: number;
  chaos: number;
  maxRetries?: number;
  progress: boolean;
  serving: ServingChoice;
  preprocess: boolean;
  start?: string;
}

/** Adds `tickflow local …` to the program. */
export function register(program: Command): void {
  const local = program
    .command('local')
    .description('Run tickflow on this machine with embedded AWS emulators.');
  local
    .command('run')
    .description(
      'Run the whole pipeline locally: producer → Kinesis (kinesalite) or Kafka (--source kafka) → event source mapping → aggregator and bronze writer → DynamoDB (dynalite) → Parquet lake in S3 (s3rver) → DIR/lake and DIR/summary.json.',
    )
    .addOption(
      new Option('--replay <file>', 'replay a CSV file with header ts,symbol,price,size,id').conflicts(
        'simulate',
      ),
    )
    .addOption(
      new Option('--simulate', 'publish a seeded market simulation (GBM; crypto, FOREX, metals, stocks)'),
    )
    .option(
      '--out <dir>',
      'output directory (lake/, summary.json, report.html, alerts.jsonl, failed-batches/)',
      './.tickflow/local',
    )
    .option('--symbols <n>', 'simulated symbols', positiveInt, 8)
    .option('--ticks <n>', 'simulated ticks', positiveInt, 100_000)
    .option(
      '--rate <ticksPerSecond>',
      'publish at this rate (live mode: idle flush and lake refresh while running)',
      positiveNumber,
    )
    .option('--seed <seed>', 'seed of the simulation and of --chaos', String(LOCAL_RUN_DEFAULTS.seed))
    .addOption(
      new Option(
        '--source <stream>',
        'the stream: kinesis (embedded kinesalite) or kafka (a local Apache Kafka broker; needs Java 17+)',
      )
        .choices(['kinesis', 'kafka'])
        .default('kinesis'),
    )
    .option(
      '--shards <n>',
      'Kinesis shards or Kafka partitions (1–10)',
      shardCount,
      LOCAL_RUN_DEFAULTS.shards,
    )
    .option(
      '--batch-size <n>',
      'event source mapping batch size (1–10,000)',
      batchSize,
      DEFAULT_CONFIG.consumer.batchSize,
    )
    .addOption(
      new Option(
        '--batching-window <duration>',
        `event source mapping MaximumBatchingWindowInSeconds (0–300 s; deployed: ${DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds} s)`,
      )
        .argParser(duration)
        .default(
          LOCAL_RUN_DEFAULTS.maximumBatchingWindowMs,
          durationText(LOCAL_RUN_DEFAULTS.maximumBatchingWindowMs),
        ),
    )
    .option('--intervals <list>', 'window labels, e.g. 1m,5m,15m,1h,1d,5m_1m', intervalList, [
      ...DEFAULT_CONFIG.intervals,
    ])
    .addOption(
      new Option('--lateness <duration>', 'allowed lateness of the watermark')
        .argParser(duration)
        .default(DEFAULT_CONFIG.allowedLatenessMs, durationText(DEFAULT_CONFIG.allowedLatenessMs)),
    )
    .option(
      '--dedup-horizon <duration>',
      'event-time horizon of trade-id dedup (default: the allowed lateness)',
      duration,
    )
    .addOption(
      new Option('--idle-timeout <duration>', 'processing time before a quiet symbol is flushed (live mode)')
        .argParser(duration)
        .default(LOCAL_RUN_DEFAULTS.cliIdleTimeoutMs, durationText(LOCAL_RUN_DEFAULTS.cliIdleTimeoutMs)),
    )
    .option(
      '--compact-every <duration>',
      `run the bronze compactor this often while the stream flows, as AWS does every ${scheduledFunctions(DEFAULT_CONFIG).compactor} minutes (default: once, after the stream)`,
      positiveDuration,
    )
    .addOption(
      new Option(
        '--ts-from <time>',
        'earliest accepted event time (YYYY-MM-DD, ISO-8601 or epoch ms); earlier ticks are quarantined',
      )
        .argParser(eventTime)
        .default(DEFAULT_EVENT_TIME_FROM_MS, '2000-01-01'),
    )
    .addOption(
      new Option('--ts-to <time>', 'accepted event times end before this (YYYY-MM-DD, ISO-8601 or epoch ms)')
        .argParser(eventTime)
        .default(DEFAULT_EVENT_TIME_TO_MS, '2100-01-01'),
    )
    .addOption(
      new Option(
        '--max-skew <duration>',
        'live mode (--simulate --rate): quarantine ticks stamped further than this ahead of their arrival',
      )
        .argParser(duration)
        .default(DEFAULT_MAX_FUTURE_SKEW_MS, durationText(DEFAULT_MAX_FUTURE_SKEW_MS)),
    )
    .option(
      '--pack <n>',
      'ticks packed per Kinesis record (JSON array)',
      positiveInt,
      LOCAL_RUN_DEFAULTS.pack,
    )
    .option(
      '--chaos <p>',
      'fail each state/sink write with probability p, and re-split retried batches',
      probability,
      0,
    )
    .option(
      '--max-retries <n>',
      `retries of a failed batch before its records go to the on-failure destination (the event source mapping's MaximumRetryAttempts; default ${DEFAULT_CONFIG.consumer.maxRetryAttempts}, as deployed; unlimited under --chaos)`,
      nonNegativeInt,
    )
    .addOption(
      new Option(
        '--serving <store>',
        'serving store for forming and final bars: a local Cassandra, or auto (Cassandra when Java 17+ is present and its jars can be fetched)',
      )
        .choices(['none', 'cassandra', 'auto'])
        .default('none'),
    )
    .option(
      '--alerts-config <file.json>',
      'market-alert thresholds: {"interval", "defaults", "classes": [{"name", "symbols": ["BTC-*"], "thresholds"}]}',
    )
    .option('--alert-interval <label>', 'the tumbling interval whose closed bars are watched (default 1m)')
    .option(
      '--alert-sigma <n>',
      'price move alert: standard deviations of recent returns (default 6)',
      positiveNumber,
    )
    .option('--alert-quiet <duration>', 'quiet feed alert: event time without a tick (default 5m)', duration)
    .option(
      '--alert-max-late <n>',
      'late spike alert: late ticks per bar above which to alert (default 20)',
      nonNegativeInt,
    )
    .option('--no-preprocess', 'skip the feature-engineering state machine after the stream part')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (flags: LocalRunFlags) => {
      if (!flags.replay && !flags.simulate) {
        throw new UsageError('choose a source: --simulate or --replay FILE.csv');
      }
      if (flags.replay && !existsSync(flags.replay)) {
        throw new UsageError(`--replay: no such file: ${flags.replay}`);
      }
      if (flags.tsFrom >= flags.tsTo) {
        throw new UsageError('--ts-from must be earlier than --ts-to');
      }
      const bar = flags.progress && process.stderr.isTTY ? progressBar() : undefined;
      const options: LocalRunOptions = {
        source: flags.replay
          ? { kind: 'replay', file: flags.replay }
          : {
              kind: 'simulate',
              simulation: { symbols: flags.symbols, ticks: flags.ticks, seed: flags.seed },
            },
        out: flags.out,
        stream: flags.source,
        shards: flags.shards,
        batchSize: flags.batchSize,
        maximumBatchingWindowMs: flags.batchingWindow,
        intervals: flags.intervals,
        allowedLatenessMs: flags.lateness,
        dedupHorizonMs: flags.dedupHorizon,
        idleTimeoutMs: flags.idleTimeout,
        compactEveryMs: flags.compactEvery,
        eventTimeRange: { fromMs: flags.tsFrom, toMs: flags.tsTo },
        maxFutureSkewMs: flags.maxSkew,
        rate: flags.rate,
        pack: flags.pack,
        chaos: flags.chaos,
        maxRetryAttempts: flags.maxRetries,
        seed: flags.seed,
        alerts: alertConfigFromFlags(flags),
        onProgress: bar?.update,
      };
      const serving = await startLocalServing(flags.serving, (line) => process.stderr.write(`${line}\n`));
      try {
        const summary = await runLocalPipeline({ ...options, serving });
        bar?.stop();
        process.stdout.write(formatSummary(summary));
        const steps: PostRunStep[] = [...(flags.preprocess ? [preprocessStep] : []), reportStep];
        const after = await runPostRunSteps(steps, {
          summary,
          out: flags.out,
          print: (text) => process.stdout.write(text),
          log: (text) => process.stderr.write(text),
        });
        if (after.failed) process.exitCode = EXIT_CODES.failure;
        process.stdout.write(`  summary       ${flags.out}/summary.json\n`);
        // Lost data outranks every other outcome: a script must not read this run as complete.
        if (summary.discarded.records > 0 || summary.bronze.missing > 0)
          process.exitCode = EXIT_CODES.dataLost;
      } finally {
        bar?.stop();
        await serving?.stop();
      }
    });
}

function progressBar(): { update: LocalRunOptions['onProgress'] & {}; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {phase} |{bar}| {value}/{total} ticks applied · {published} published · {bars} bar files',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update: (p) => {
      const total = p.totalHint ?? Math.max(p.published, 1);
      const payload = { phase: p.phase.padEnd(11), published: p.published, bars: p.barsInLake };
      if (!started) {
        bar.start(total, p.applied, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(total, p.applied));
        bar.update(p.applied, payload);
      }
    },
    stop: () => {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

function positiveDuration(v: string): number {
  const ms = duration(v);
  if (ms <= 0) throw new InvalidArgumentError(`expected a duration above 0, like 30s or 5m, got "${v}"`);
  return ms;
}

function shardCount(v: string): number {
  const n = positiveInt(v);
  if (n > 10) throw new InvalidArgumentError(`expected 1–10 shards (the local Kinesis limit), got ${v}`);
  return n;
}

function batchSize(v: string): number {
  const n = positiveInt(v);
  if (n > 10_000)
    throw new InvalidArgumentError(`expected a batch size of 1–10,000 (Lambda's limit), got ${v}`);
  return n;
}

const YEAR_0_MS = -62_167_219_200_000;
const YEAR_10000_MS = 253_402_300_800_000;

/** An event time flag: a UTC date (`2000-01-01`), an ISO-8601 date-time or epoch milliseconds. */
function eventTime(v: string): number {
  const text = v.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? parseEventTimeText(`${text}T00:00:00Z`)
    : parseEventTimeText(text);
  if (ms === null) {
    throw new InvalidArgumentError(
      `expected a date like 2000-01-01, an ISO-8601 time or epoch ms, got "${v}"`,
    );
  }
  // The lake's date partitions hold four-digit years.
  if (ms < YEAR_0_MS || ms > YEAR_10000_MS) {
    throw new InvalidArgumentError(`expected a time in the years 0000–9999 (the lake's dates), got "${v}"`);
  }
  return ms;
}

function intervalList(v: string): string[] {
  const labels = list(v);
  try {
    parseIntervals(labels);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return labels;
}

/** The feature-engineering state machine over the run's lake, its state transitions added to the cost. */
const preprocessStep: PostRunStep = {
  name: 'preprocess',
  async run({ summary, out, print, log }) {
    print('\npreprocess (Step Functions definition on a local ASL interpreter)\n');
    const { outcome, stateTransitions } = await runPreprocessLocally({
      lakeDir: summary.lake.dir,
      onSymbol: (p) => log(renderProgress(p)),
    });
    print(renderOutcome(outcome));
    const priced = await addStateTransitions(summary, stateTransitions, out);
    print(
      `cost: ${stateTransitions} state transitions; with them ${formatUsd(priced.cost.perMillionTicks)} per million ticks\n`,
    );
    return { summary: priced, failed: outcome.status !== 'SUCCEEDED' };
  },
};

/** Adds the preprocess execution's state transitions to the run's cost and rewrites summary.json. */
async function addStateTransitions(
  summary: RunSummary,
  transitions: number,
  out: string,
): Promise<RunSummary> {
  const c = summary.cost;
  const cost = costOfRun(
    addUsage(c.usage, { 'stepFunctions.stateTransitions': transitions }),
    c.facts,
    c.inventory,
  );
  const updated = { ...summary, cost };
  await writeFile(join(out, 'summary.json'), `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}
