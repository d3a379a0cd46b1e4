import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readRunCounts } from '../../shared/adapters/report/run-summary.js';
import { writeReport } from '../../shared/adapters/report/write-report.js';
import { QueryError } from '../../shared/query/errors.js';
import type { QueryEngine } from '../../shared/query/result.js';
import { ReportError } from '../../shared/report/errors.js';
import { DEFAULT_MAX_CANDLES } from '../../shared/report/model.js';
import { DEFAULT_SYMBOLS_PER_PAGE } from '../../shared/report/paging.js';
import { EXIT_CODES } from '../exit-codes.js';
import { list, positiveInt, UsageError } from '../options.js';
import {
  addLakeSourceFlags,
  checkLakeSourceFlags,
  type LakeSourceFlags,
  openLakeEngine,
} from './lake-source.js';
import { DEFAULT_ENGINES, type QueryEngines } from './query.js';

interface ReportFlags extends LakeSourceFlags {
  symbols?: string[];
  summary?: string;
  out: string;
  page: number;
  perPage: number;
  maxCandles: number;
}

/**
 * `tickflow report`: one self-contained HTML file of candlestick charts (volume, VWAP, the preprocess
 * features) and a data-quality panel, from the local lake (DuckDB) or a deployed stack (Athena).
 * Prints the file's path on stdout; bad input (no lake, no bars, unknown symbols) is one line on
 * stderr and exit 1, bad flags exit 2.
 * @example tickflow report --lake .tickflow/local/lake --out report.html
 */
export function register(program: Command, engines: QueryEngines = DEFAULT_ENGINES): void {
  const command = program
    .command('report')
    .description('Write an HTML report of the lake: candlesticks, volume, VWAP, features, data quality');
  addLakeSourceFlags(command, 'read the lake of a deployed stack through Athena (needs --symbols)')
    .option(
      '--symbols <list>',
      'only these symbols, comma-separated (default: every symbol of the lake)',
      list,
    )
    .option(
      '--summary <file>',
      "a run's summary.json for the accounting identity (default: the one beside --lake)",
    )
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .option('--page <n>', 'which page of symbols to chart', positiveInt, 1)
    .option('--per-page <n>', 'symbols charted per file', positiveInt, DEFAULT_SYMBOLS_PER_PAGE)
    .option(
      '--max-candles <n>',
      'candles in all charts together; more bars are merged',
      positiveInt,
      DEFAULT_MAX_CANDLES,
    )
    .action(async (flags: ReportFlags, command: Command) => {
      checkFlags(flags, command);
      const summary = summaryFile(flags);
      let engine: QueryEngine | undefined;
      try {
        const run = summary ? readRunCounts(summary) : undefined;
        engine = await openLakeEngine(engines, flags);
        const source = flags.athena ? `Athena workgroup ${flags.workgroup}` : `lake ${resolve(flags.lake)}`;
        const written = await writeReport(
          engine,
          {
            source,
            ...(flags.symbols && { symbols: flags.symbols }),
            ...(run && { run }),
            page: flags.page,
            perPage: flags.perPage,
            maxCandles: flags.maxCandles,
          },
          flags.out,
        );
        const { model } = written;
        process.stderr.write(
          `report: ${model.symbols.length} of ${model.page.totalSymbols} symbols, ${model.charts.length} charts, ` +
            `${(written.bytes / 2 ** 20).toFixed(2)} MiB\n${model.notes.map((n) => `  ${n}\n`).join('')}`,
        );
        process.stdout.write(`${written.path}\n`);
      } catch (err) {
        if (!(err instanceof ReportError || err instanceof QueryError)) throw err;
        process.stderr.write(`tickflow report: ${err.message}\n`);
        process.exitCode = EXIT_CODES.failure;
      } finally {
        await engine?.close();
      }
    });
}

function checkFlags(flags: ReportFlags, command: Command): void {
  checkLakeSourceFlags(flags, command);
  if (flags.athena && !flags.symbols) {
    throw new UsageError(
      '--athena needs --symbols A,B,…: the lake partitions symbols by injection, so Athena cannot list them',
    );
  }
}

/** The summary given, or locally the `summary.json` a run wrote beside its lake, when there is one. */
function summaryFile(flags: ReportFlags): string | undefined {
  if (flags.summary || flags.athena) return flags.summary;
  const beside = join(dirname(resolve(flags.lake)), 'summary.json');
  return existsSync(beside) ? beside : undefined;
}
