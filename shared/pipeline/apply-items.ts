import type { LateTick, Tick, TickOrigin } from '../domain/types.js';
import type { LateEntry, SymbolEngine, SymbolItem } from './ports.js';

/**
 * Applies a symbol's items in stream order: ticks to the engine, watermark marks as a raised
 * watermark. The streaming service and the backfill both go through here, so they agree on what a
 * mark means. Returns the ticks applied.
 */
export function applyItems(
  engine: SymbolEngine,
  items: readonly SymbolItem[],
  processingTime: number,
): number {
  let applied = 0;
  for (const item of items) {
    if ('mark' in item) {
      // A mark is computed from a symbol's state: before its first tick (state reset) it means nothing.
      if (engine.watermark !== null) engine.advanceWatermark(item.mark.watermark);
      continue;
    }
    engine.apply(item.tick, processingTime);
    applied++;
  }
  return applied;
}

/** The engine's late ticks with their origins, found among the items just applied. */
export function withOrigins(
  symbol: string,
  late: readonly LateTick[],
  items: readonly SymbolItem[],
): LateEntry[] {
  if (late.length === 0) return [];
  const origins = new Map<Tick, TickOrigin>();
  for (const item of items) if ('tick' in item) origins.set(item.tick, item.origin);
  return late.map((l) => {
    const origin = origins.get(l.tick);
    if (!origin)
      throw new Error(`engine returned a late tick of ${symbol} that was not applied in this step`);
    return { ...l, origin };
  });
}
