import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { UsageError } from './options.js';

/**
 * Builds the `tickflow` program. Each command lives in `cli/commands/<name>.ts` and exports a
 * `register(program)` function; `cli/commands/index.ts` lists them.
 */
export function buildProgram(): Command {
  const program = new Command('tickflow')
    .description('Event-time market-data pipeline: local runs on embedded emulators, producers, queries.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed the message (or the help text).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0
        ? 0
        : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`tickflow: ${err.message}\n(run with --help for usage)\n`);
      return 2;
    }
    process.stderr.write(`tickflow: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.TICKFLOW_DEBUG) console.error(err);
    return 1;
  }
}
