import { type AggregatorConfig, SymbolAggregator, type SymbolSnapshot } from '../domain/index.js';
import type { EngineFactory } from './ports.js';

/** The event-time engine of `shared/domain` behind the service's engine port. */
export function domainEngineFactory(config: AggregatorConfig): EngineFactory {
  return {
    create: (symbol) => new SymbolAggregator(symbol, config),
    restore: (snapshot, seenIds) => SymbolAggregator.restore(config, snapshot as SymbolSnapshot, seenIds),
  };
}
