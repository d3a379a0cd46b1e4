import type { Command } from 'commander';
import { DEFAULT_LOCAL_LAKE_DIR } from '../../shared/adapters/query/duckdb-lake.js';
import type { QueryEngine } from '../../shared/query/result.js';
import { UsageError } from '../options.js';
import type { QueryEngines } from './query.js';

/** Where `tickflow query` and `tickflow report` read the lake: a local lake, or Athena. */
export interface LakeSourceFlags {
  lake: string;
  athena?: boolean;
  workgroup: string;
  database: string;
  region?: string;
}

/** Adds --lake, --athena (described by `athenaHelp`), --workgroup, --database and --region. */
export function addLakeSourceFlags(command: Command, athenaHelp: string): Command {
  return command
    .option('--lake <dir>', 'local lake directory', DEFAULT_LOCAL_LAKE_DIR)
    .option('--athena', athenaHelp)
    .option(
      '--workgroup <name>',
      'Athena workgroup (stack output AthenaWorkGroupName: the prefix)',
      'tickflow',
    )
    .option(
      '--database <name>',
      'Glue database (stack output GlueDatabaseName: the prefix with - as _)',
      'tickflow',
    )
    .option('--region <region>', 'AWS region of Athena (default: the SDK chain, e.g. AWS_REGION)');
}

/** Refuses --lake with --athena, and the Athena flags without it. */
export function checkLakeSourceFlags(flags: LakeSourceFlags, command: Command): void {
  const fromUser = (name: string) => command.getOptionValueSource(name) === 'cli';
  if (flags.athena && fromUser('lake')) throw new UsageError('--lake and --athena exclude each other');
  if (!flags.athena && (fromUser('workgroup') || fromUser('database') || fromUser('region'))) {
    throw new UsageError('--workgroup, --database and --region only apply with --athena');
  }
}

/** The engine the flags name: Athena on the workgroup and database, or DuckDB over the local lake. */
export function openLakeEngine(engines: QueryEngines, flags: LakeSourceFlags): Promise<QueryEngine> {
  return flags.athena
    ? Promise.resolve(
        engines.athena({
          workGroup: flags.workgroup,
          database: flags.database,
          ...(flags.region && { region: flags.region }),
        }),
      )
    : engines.local(flags.lake);
}
