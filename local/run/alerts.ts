import { appendFile, writeFile } from 'node:fs/promises';
import { outputsSeriesSource } from '../../shared/adapters/dynamo/market-series.js';
import type {
  LastTick,
  MarketAlert,
  MarketAlertConfig,
  MarketAlertKind,
} from '../../shared/domain/market-alerts/index.js';
import { MarketWatch } from '../../shared/pipeline/market-watch.js';
import type { AlertPublisher, MaterializableOutputs } from '../../shared/pipeline/ports.js';

/** The run's market alerts as the summary counts them. */
export interface RunAlerts {
  readonly file: string;
  readonly total: number;
  readonly byKind: Partial<Record<MarketAlertKind, number>>;
}

/** The local run's alert topic: one JSON alert a line. */
export class AlertFile implements AlertPublisher {
  constructor(private readonly path: string) {}

  async publish(alerts: readonly MarketAlert[]): Promise<void> {
    await appendFile(this.path, alerts.map((a) => `${JSON.stringify(a)}\n`).join(''));
  }
}

/**
 * The end of a run's market watch, the deployed round's (`MarketWatch.watch`): the closed bars and late
 * ticks of the watched interval of every symbol the lake has them for, read back from the outputs table
 * over the event dates the lake holds, and the quiet feeds judged from each symbol's newest tick,
 * scanned once into
 * `alerts.jsonl` (written even when empty, so a run with no alert says so on disk).
 */
export async function watchMarket(deps: {
  readonly outputs: Pick<MaterializableOutputs, 'readPartition'>;
  /** The exported lake's keys: the event dates to scan. */
  readonly lakeFiles: readonly string[];
  /** Each symbol's newest tick, from the state heads (`AggregationService.scanHeads`). */
  readonly lastTicks: readonly LastTick[];
  readonly config: MarketAlertConfig;
  readonly file: string;
}): Promise<RunAlerts> {
  await writeFile(deps.file, '');
  const watch = new MarketWatch(outputsSeriesSource(deps.outputs), deps.config, new AlertFile(deps.file));
  const alerts = await watch.watch(deps.lakeFiles, deps.lastTicks);
  const byKind: RunAlerts['byKind'] = {};
  for (const a of alerts) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  return { file: deps.file, total: alerts.length, byKind };
}
