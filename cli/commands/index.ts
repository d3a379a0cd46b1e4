import type { Command } from 'commander';

/** Every command of the CLI, registered in help order. */
export function registerCommands(_program: Command): void {}
