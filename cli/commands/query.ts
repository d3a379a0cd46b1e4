import { type Command, Option } from 'commander';
import { AthenaQueryEngine, type AthenaQueryOptions } from '../../shared/adapters/query/athena-query.js';
import { DuckDbLake } from '../../shared/adapters/query/duckdb-lake.js';
import { NamedQueryError, QueryCancelledError, QueryError } from '../../shared/query/errors.js';
import { NAMED_QUERIES } from '../../shared/query/named-queries.js';
import { type OutputFormat, renderResult } from '../../shared/query/render.js';
import { findNamedQuery, parseParams, renderNamedQuery } from '../../shared/query/render-named-query.js';
import type { QueryEngine, QueryResult, QueryStats } from '../../shared/query/result.js';
import { UsageError } from '../options.js';
import {
  addLakeSourceFlags,
  checkLakeSourceFlags,
  type LakeSourceFlags,
  openLakeEngine,
} from './lake-source.js';

interface QueryOptions extends LakeSourceFlags {
  format: OutputFormat;
  named?: string;
  param: string[];
  listNamed?: boolean;
}

/** How the command gets its engines; tests swap Athena for a fake. */
export interface QueryEngines {
  local(lakeDir: string): Promise<QueryEngine>;
  athena(options: AthenaQueryOptions): QueryEngine;
}

/** DuckDB over a local lake, or Athena; `tickflow report` reads the lake through the same engines. */
export const DEFAULT_ENGINES: QueryEngines = {
  local: (lakeDir) => DuckDbLake.open({ lakeDir }),
  athena: (options) => new AthenaQueryEngine(options),
};

/**
 * `tickflow query`: one SQL text (or a named query) on the local lake with DuckDB, or on Athena with
 * `--athena`. SQL errors print as one line with the failing position and exit 1; Ctrl-C stops the query
 * (Athena: StopQueryExecution) and exits 130.
 * @example tickflow query --named latest-bars --param symbol=EUR/USD --format csv
 */
export function register(program: Command, engines: QueryEngines = DEFAULT_ENGINES): void {
  const command = program
    .command('query')
    .description('Run SQL on the lake: DuckDB over the local lake, or Athena (--athena)')
    .argument('[sql]', 'SQL text over the tables bars, ticks, late, quarantine, features');
  addLakeSourceFlags(command, "run on Athena (a deployed stack's Glue database) instead of the local lake")
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
    )
    .option('--named <name>', 'run a named query instead of SQL (see --list-named)')
    .option(
      '--param <k=v>',
      'named-query parameter, repeatable',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--list-named', 'list the named queries and their parameters')
    .action(async (sql: string | undefined, opts: QueryOptions, command: Command) => {
      checkFlags(sql, opts, command);
      if (opts.listNamed) {
        process.stdout.write(listNamed(opts.format));
        return;
      }
      const text = sql ?? namedSql(opts);
      const engine = await openLakeEngine(engines, opts).catch(reportQueryError);
      if (!engine) return;
      const controller = new AbortController();
      const onInterrupt = () => controller.abort();
      process.once('SIGINT', onInterrupt);
      try {
        const result = await engine.run(text, { signal: controller.signal });
        process.stdout.write(renderResult(result, opts.format));
        process.stderr.write(`${summary(result)}\n`);
      } catch (err) {
        reportQueryError(err);
      } finally {
        process.removeListener('SIGINT', onInterrupt);
        await engine.close();
      }
    });
}

function checkFlags(sql: string | undefined, opts: QueryOptions, command: Command): void {
  const given = [sql !== undefined, opts.named !== undefined, Boolean(opts.listNamed)].filter(Boolean).length;
  if (given !== 1) throw new UsageError('query needs exactly one of: a SQL text, --named NAME, --list-named');
  if (opts.param.length > 0 && opts.named === undefined)
    throw new UsageError('--param only goes with --named');
  checkLakeSourceFlags(opts, command);
}

function namedSql(opts: QueryOptions): string {
  try {
    return renderNamedQuery(findNamedQuery(opts.named!), parseParams(opts.param));
  } catch (err) {
    if (err instanceof NamedQueryError) throw new UsageError(err.message);
    throw err;
  }
}

/** Prints a query error as one line and sets the exit code (1, or 130 when cancelled); rethrows others. */
function reportQueryError(err: unknown): undefined {
  if (!(err instanceof QueryError)) throw err;
  process.stderr.write(`tickflow query: ${err.message}\n`);
  process.exitCode = err instanceof QueryCancelledError ? 130 : 1;
  return undefined;
}

/** The line on stderr after the rows: count, time, and on Athena the bytes scanned and their cost. */
export function summary(result: QueryResult): string {
  const n = result.rows.length;
  const head = `${n} row${n === 1 ? '' : 's'} in ${seconds(result.stats)}`;
  const { scannedBytes, costUsd, queryId } = result.stats;
  if (scannedBytes === undefined) return head;
  return `${head}, scanned ${(scannedBytes / 2 ** 20).toFixed(1)} MiB ≈ $${costUsd!.toFixed(6)} (Athena query ${queryId})`;
}

function seconds(stats: QueryStats): string {
  return stats.elapsedMs < 1000
    ? `${Math.round(stats.elapsedMs)} ms`
    : `${(stats.elapsedMs / 1000).toFixed(1)} s`;
}

function listNamed(format: OutputFormat): string {
  const rows = NAMED_QUERIES.map((q) => [
    q.name,
    q.parameters
      .map((p) => (p.default === undefined ? `${p.name} (required)` : `${p.name}=${p.default}`))
      .join(' '),
    q.description,
  ]);
  const columns = ['name', 'parameters', 'description'].map((name) => ({
    name,
    type: 'varchar',
    kind: 'string' as const,
  }));
  return renderResult({ columns, rows }, format);
}
