import { writeFile } from 'node:fs/promises';
import type { UsageMeter } from '../../shared/adapters/cost/usage-meter.js';
import { ServingStore, type StoredBar } from '../../shared/adapters/serving/index.js';
import { meterServingUpsert } from '../../shared/adapters/serving/metering.js';
import type { ServingSink } from '../../shared/pipeline/ports.js';
import { isJavaAvailable, type LocalCassandra, startLocalCassandra } from '../cassandra/index.js';
import { JvmInstallError } from '../jvm/errors.js';

/** The serving store of a local run: a real Cassandra started for the run, and its export. */
export interface LocalServing extends ServingSink {
  /** Reads every bar of the given symbols and intervals back over CQL into a CSV; returns the row count. */
  exportCsv(path: string, partitions: readonly ServingPartitionRange[]): Promise<number>;
  /** Counts the writes from now on in Keyspaces write units into `meter` (a run's cost section). */
  meterInto(meter: UsageMeter): void;
  stop(): Promise<void>;
}

/** One (symbol, interval) and the window_start range to read back. */
export interface ServingPartitionRange {
  readonly symbol: string;
  readonly interval: string;
  readonly from: number;
  readonly to: number;
}

export type ServingChoice = 'none' | 'cassandra' | 'auto';

/** What {@link startLocalServing} needs from the machine; tests replace it. */
export interface LocalServingHost {
  readonly javaAvailable: () => boolean;
  readonly startCassandra: () => Promise<LocalCassandra>;
}

const THIS_MACHINE: LocalServingHost = {
  javaAvailable: () => isJavaAvailable(),
  startCassandra: () => startLocalCassandra(),
};

/**
 * Starts a local Cassandra (Maven Central jars, 127.0.0.1, a free port, a temporary data directory)
 * and connects the serving store to it. `auto` falls back to no serving store, with one line that
 * says why, when Java is missing or the first run cannot fetch Cassandra (no Maven, no network).
 */
export async function startLocalServing(
  choice: ServingChoice,
  log: (line: string) => void,
  host: LocalServingHost = THIS_MACHINE,
): Promise<LocalServing | undefined> {
  if (choice === 'none') return undefined;
  if (!host.javaAvailable()) {
    if (choice === 'cassandra')
      throw new Error('--serving cassandra needs Java 17+ on the PATH (java -version)');
    log(
      'serving store skipped: Java 17+ is not on the PATH (install a JDK, or pass --serving none to silence this)',
    );
    return undefined;
  }
  log('starting a local Cassandra for the serving store (first run downloads it from Maven Central)…');
  let node: LocalCassandra;
  try {
    node = await host.startCassandra();
  } catch (err) {
    if (choice !== 'auto' || !(err instanceof JvmInstallError)) throw err;
    log(
      `serving store skipped: ${err.message.split('\n')[0]} (install Maven and let it reach Maven Central, or pass --serving none to silence this)`,
    );
    return undefined;
  }
  let store: ServingStore | undefined;
  try {
    store = await ServingStore.connect({
      kind: 'local',
      contactPoints: [`${node.contactPoint}:${node.port}`],
    });
    await store.ensureSchema();
  } catch (err) {
    await store?.close().catch(() => undefined);
    await node.stop();
    throw err;
  }
  return servingOver(store, () => node.stop());
}

/** A {@link LocalServing} over a connected store; `stop` closes it, then runs `release`. */
export function servingOver(s: ServingStore, release: () => Promise<void> = async () => {}): LocalServing {
  let meter: UsageMeter | undefined;
  return {
    upsertBars: async (bars, isFinal) => {
      const result = await s.upsertBars(bars, isFinal);
      if (meter) meterServingUpsert(meter, bars, isFinal, result);
    },
    meterInto: (m) => {
      meter = m;
    },
    exportCsv: async (path, partitions) => {
      const lines = [
        'symbol,interval,window_start,window_end,open,high,low,close,volume,vwap,trade_count,is_final',
      ];
      for (const p of partitions) {
        const bars = await s.readBars({
          symbol: p.symbol,
          interval: p.interval,
          from: p.from,
          to: p.to,
          limit: 100_000,
        });
        for (const b of bars.reverse()) lines.push(csvLine(b));
      }
      await writeFile(path, `${lines.join('\n')}\n`);
      return lines.length - 1;
    },
    stop: async () => {
      await s.close().catch(() => undefined);
      await release();
    },
  };
}

function csvLine(b: StoredBar): string {
  const symbol = /[",\n]/.test(b.symbol) ? `"${b.symbol.replaceAll('"', '""')}"` : b.symbol;
  return [
    symbol,
    b.interval,
    b.windowStart,
    b.windowEnd,
    b.open,
    b.high,
    b.low,
    b.close,
    b.volume,
    b.vwap ?? '',
    b.tradeCount,
    b.isFinal,
  ].join(',');
}
