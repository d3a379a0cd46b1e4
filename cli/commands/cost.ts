import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatProjection } from '../../local/run/cost-format.js';
import { type CostSection, projectCost } from '../../shared/cost/index.js';
import { positiveInt, positiveNumber, UsageError } from '../options.js';

interface CostFlags {
  summary: string;
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
    .requiredOption('--summary <file>', 'summary.json written by `tickflow local run`')
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
      const run = readCostSection(flags.summary);
      const projection = projectCost(run, flags.rate ?? run.facts.ticksPerSecond, flags.symbols);
      process.stdout.write(
        flags.json ? `${JSON.stringify(projection, null, 2)}\n` : formatProjection(run, projection),
      );
    });
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
