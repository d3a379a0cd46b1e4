import { SymbolAggregator } from './aggregator.js';
import { type AggregatorConfig, aggregatorConfig } from './aggregator-config.js';
import type { Bar, LateTick, Tick } from './types.js';

/** The complete result of aggregating a finite sequence of ticks. */
export interface AggregationResult {
  /** Every final bar: symbols in order of first appearance, each symbol's bars in closing order. */
  readonly bars: Bar[];
  readonly late: LateTick[];
  readonly duplicates: number;
  /** Valid ticks applied, duplicates included. */
  readonly ticks: number;
  readonly symbols: number;
}

/**
 * Aggregates valid ticks given in arrival order as a replay does: one `SymbolAggregator` per
 * symbol, windows closed by event time only, everything flushed at the end. A pure function of
 * its input.
 *
 * @example aggregateAll(ticks, aggregatorConfig({ intervals: parseIntervals(['1m']) })).bars
 */
export function aggregateAll(
  ticks: Iterable<Tick>,
  config: AggregatorConfig = aggregatorConfig(),
): AggregationResult {
  const router = new SymbolRouter(config);
  if (Array.isArray(ticks)) {
    // Indexed, not for-of: the array iterator cost an allocation per tick on V8 (measured, Node 20).
    const list = ticks as readonly Tick[];
    for (let i = 0; i < list.length; i++) router.apply(list[i]!);
  } else {
    for (const tick of ticks) router.apply(tick);
  }
  const bySymbol = router.bySymbol;
  const bars: Bar[] = [];
  const late: LateTick[] = [];
  let duplicates = 0;
  let applied = 0;
  for (const aggregator of bySymbol.values()) {
    aggregator.flush();
    const outputs = aggregator.drain();
    for (const bar of outputs.closed) bars.push(bar);
    for (const tick of outputs.late) late.push(tick);
    duplicates += outputs.duplicates;
    applied += outputs.ticks;
  }
  return { bars, late, duplicates, ticks: applied, symbols: bySymbol.size };
}

/** One aggregator per symbol, created on first sight; consecutive ticks of one symbol skip the lookup. */
class SymbolRouter {
  readonly bySymbol = new Map<string, SymbolAggregator>();
  private current: SymbolAggregator | undefined;

  constructor(private readonly config: AggregatorConfig) {}

  apply(tick: Tick): void {
    let current = this.current;
    if (current === undefined || current.symbol !== tick.symbol) {
      current = this.bySymbol.get(tick.symbol);
      if (current === undefined) {
        current = new SymbolAggregator(tick.symbol, this.config);
        this.bySymbol.set(tick.symbol, current);
      }
      this.current = current;
    }
    current.apply(tick);
  }
}
