import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_KEYSPACE } from '../../shared/adapters/serving/config.js';
import {
  ServingStore,
  type ServingStoreConfig,
  type StoredBar,
} from '../../shared/adapters/serving/index.js';
import { positiveInt } from '../options.js';

type Format = 'table' | 'json' | 'csv';

export interface BarsOptions {
  symbol: string;
  interval: string;
  limit: number;
  from?: number;
  to?: number;
  finalOnly?: boolean;
  format: Format;
  export?: string;
  contactPoint: string;
  keyspaces?: boolean;
  keyspace: string;
  region?: string;
}

/**
 * `tickflow bars`: the newest bars of a symbol from the serving store (local Cassandra or Keyspaces),
 * newest first, as a table, JSON or CSV, optionally written to a file in --export DIR.
 */
export function register(program: Command): void {
  program
    .command('bars')
    .description('Newest bars of a symbol from the serving store (Cassandra locally, Keyspaces in AWS)')
    .requiredOption('--symbol <symbol>', 'symbol, e.g. BTCUSDT or EUR/USD')
    .requiredOption('--interval <label>', 'interval label, e.g. 1m, 5m, 5m_1m')
    .option('--limit <n>', 'at most this many bars', positiveInt, 20)
    .option('--from <time>', 'oldest window_start (inclusive): ISO-8601 or epoch ms', instant)
    .option('--to <time>', 'window_start before this (exclusive): ISO-8601 or epoch ms; default now', instant)
    .option('--final-only', 'only bars whose window has closed')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('--export <dir>', 'also write the bars to <dir>/bars-<symbol>-<interval>.<json|csv>')
    .addOption(
      new Option('--contact-point <host:port>', 'local Cassandra').default(
        process.env.TICKFLOW_CASSANDRA ?? '127.0.0.1:9042',
      ),
    )
    .addOption(new Option('--keyspaces', 'read Amazon Keyspaces (SigV4, TLS)').conflicts('contactPoint'))
    .option(
      '--keyspace <name>',
      "the keyspace: a deployed environment's is the stack output ServingKeyspaceName (its prefix with - as _)",
      DEFAULT_KEYSPACE,
    )
    .option('--region <region>', 'AWS region of Keyspaces', process.env.AWS_REGION)
    .action(async (opts: BarsOptions) => {
      const store = await ServingStore.connect(storeConfig(opts));
      try {
        const bars = await store.readBars({
          symbol: opts.symbol,
          interval: opts.interval,
          limit: opts.limit,
          from: opts.from,
          to: opts.to,
          finalOnly: opts.finalOnly,
        });
        process.stdout.write(renderBars(bars, opts.format));
        if (opts.export) {
          const format = opts.format === 'json' ? 'json' : 'csv';
          mkdirSync(opts.export, { recursive: true });
          const file = join(
            opts.export,
            `bars-${opts.symbol.replace(/[^A-Za-z0-9._-]/g, '_')}-${opts.interval}.${format}`,
          );
          writeFileSync(file, renderBars(bars, format));
          process.stderr.write(`wrote ${bars.length} bars to ${file}\n`);
        }
      } finally {
        await store.close();
      }
    });
}

/** Where `tickflow bars` reads: the local Cassandra, or Keyspaces in a region; either in `--keyspace`. */
export function storeConfig(
  opts: Pick<BarsOptions, 'keyspaces' | 'keyspace' | 'region' | 'contactPoint'>,
): ServingStoreConfig {
  if (opts.keyspaces) {
    if (!opts.region) throw new InvalidArgumentError('--keyspaces needs --region (or AWS_REGION)');
    return { kind: 'keyspaces', region: opts.region, keyspace: opts.keyspace };
  }
  return { kind: 'local', contactPoints: [opts.contactPoint], keyspace: opts.keyspace };
}

/** Parses an ISO-8601 instant or integer epoch milliseconds. */
export function instant(value: string): number {
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`expected ISO-8601 or epoch ms, got "${value}"`);
  return ms;
}

const COLUMNS = [
  'window_start',
  'window_end',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'vwap',
  'trade_count',
  'is_final',
];

function cells(b: StoredBar): string[] {
  return [
    new Date(b.windowStart).toISOString(),
    new Date(b.windowEnd).toISOString(),
    String(b.open),
    String(b.high),
    String(b.low),
    String(b.close),
    String(b.volume),
    b.vwap === null ? '' : String(b.vwap),
    String(b.tradeCount),
    String(b.isFinal),
  ];
}

/** Renders bars as an aligned table, a JSON array or CSV with a header row. */
export function renderBars(bars: readonly StoredBar[], format: Format): string {
  if (format === 'json') return `${JSON.stringify(bars, null, 2)}\n`;
  const rows = bars.map(cells);
  if (format === 'csv') return [COLUMNS, ...rows].map((r) => `${r.join(',')}\n`).join('');
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `${r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  return [line(COLUMNS), ...rows.map(line)].join('') + (bars.length === 0 ? '(no bars)\n' : '');
}
