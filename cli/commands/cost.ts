import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TickflowConfig } from '../../infra/config.js';
import { alwaysOnInventory } from '../../infra/cost-inventory.js';
import { loadEnvironment } from '../../infra/environments.js';
import { formatProjection } from '../../local/run/cost-format.js';
import { type CostSection, idleCost, PRICE_TABLE, projectCost } from '../../shared/cost/index.js';
import { positiveInt, positiveNumber, UsageError } from '../options.js';

interface CostFlags {
  summary?: string;
  idle?: boolean;
  env: string;
  envDir?: string;
  rate?: number;
  symbols?: number;
  json?: boolean;
}

/** Adds `tickflow cost` to the program. */
export function register(program: Command): void {
  program
    .command('cost')
    .description(
      "Project a local run's metered cost (the cost section of its summary.json) to another tick rate and number of symbols.",
    )
    .option('--summary <file>', 'summary.json written by `tickflow local run`')
    .option(
      '--idle',
      "print what an environment's stack bills per month while no tick flows (from its environment file), no run needed",
    )
    .option('--env <name>', 'environment file infra/environments/<name>.json, with --idle', 'dev')
    .option(
      '--env-dir <dir>',
      'read the environment file from this folder instead of infra/environments (e.g. docs/examples/environments), with --idle',
    )
    .option(
      '--rate <ticksPerSecond>',
      "ticks per second to project to (default: the run's rate)",
      positiveNumber,
    )
    .option('--symbols <n>', "symbols to project to (default: the run's)", positiveInt)
    .option('--json', 'print the projection as JSON')
    .addHelpText(
      'after',
      `
Per-tick costs scale with the rate; DynamoDB and Keyspaces writes, made once per symbol per batch,
also scale with symbols / run symbols; provisioned shards grow to what the rate needs (1,000
records/s and 1 MiB/s each). Prices: shared/cost/prices.ts (README "Cost").

Exit codes:
  0  the projection was printed
  2  bad flags, or a file that is not the summary.json of a local run`,
    )
    .action((flags: CostFlags) => {
      if (flags.idle) {
        process.stdout.write(formatIdle(flags.env, flags.envDir, flags.json === true));
        return;
      }
      if (!flags.summary) throw new UsageError("pass --summary FILE (a local run's summary.json), or --idle");
      const run = readCostSection(flags.summary);
      const projection = projectCost(run, flags.rate ?? run.facts.ticksPerSecond, flags.symbols);
      process.stdout.write(
        flags.json ? `${JSON.stringify(projection, null, 2)}\n` : formatProjection(run, projection),
      );
    });
}

/** The idle inventory of an environment's stack, priced: one line per resource kind and the total. */
function formatIdle(envName: string, envDir: string | undefined, json: boolean): string {
  let config: TickflowConfig;
  try {
    config = loadEnvironment(envName, {}, envDir === undefined ? undefined : resolve(envDir)).config;
  } catch (err) {
    throw new UsageError(`--env: ${(err as Error).message}`);
  }
  const idle = idleCost(alwaysOnInventory(config), PRICE_TABLE);
  if (json) return `${JSON.stringify({ environment: envName, ...idle }, null, 2)}\n`;
  const usd = (v: number | null) => (v === null ? 'not priced' : `$${v.toFixed(2)}`);
  const lines = idle.lines.filter((l) => l.count > 0).map((l) => `  ${l.item}: ${l.count} → ${usd(l.usd)}`);
  return [
    `idle per month, environment ${envName} (prices: shared/cost/prices.ts)`,
    ...lines,
    `  total ${usd(idle.usd)}`,
    '',
  ].join('\n');
}

/** The cost section of a summary file, or a usage error that says what is wrong with the file. */
export function readCostSection(path: string): CostSection {
  if (!existsSync(path)) throw new UsageError(`--summary: no such file: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UsageError(`--summary: ${path} is not JSON; pass the summary.json of a local run`);
  }
  const cost = (parsed as { cost?: CostSection } | null)?.cost;
  if (!cost || typeof cost.perMillionTicks !== 'number' || !cost.usage || !cost.facts) {
    throw new UsageError(
      `--summary: ${path} has no cost section; it must come from \`tickflow local run\` (which writes one on every run)`,
    );
  }
  return cost;
}
