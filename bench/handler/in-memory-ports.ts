import type { Bar } from '../../shared/domain/types.js';
import {
  type LateEntry,
  type OutputStore,
  type QuarantineEntry,
  StateConflictError,
  type StateStore,
  type StoredSymbolState,
} from '../../shared/pipeline/ports.js';

/**
 * The state table in memory, with the DynamoDB adapter's contract: a commit succeeds only on the
 * next version. States are kept by reference (no marshalling): the benchmark measures the
 * aggregation path with I/O and serialisation excluded.
 */
export class InMemoryStateStore implements StateStore {
  private readonly states = new Map<string, StoredSymbolState>();

  async load(symbols: readonly string[]): Promise<Map<string, StoredSymbolState>> {
    const found = new Map<string, StoredSymbolState>();
    for (const symbol of symbols) {
      const state = this.states.get(symbol);
      if (state) found.set(symbol, state);
    }
    return found;
  }

  async commit(next: StoredSymbolState): Promise<void> {
    const current = this.states.get(next.symbol)?.version ?? 0;
    if (current !== next.version - 1) throw new StateConflictError(next.symbol, next.version - 1);
    this.states.set(next.symbol, next);
  }

  async scan(): Promise<StoredSymbolState[]> {
    return [...this.states.values()];
  }
}

/** Closed bars, late ticks and quarantined records in memory, keyed by identity (so rewrites are idempotent). */
export class InMemoryOutputStore implements OutputStore {
  readonly bars = new Map<string, Bar>();
  readonly late = new Map<string, LateEntry>();
  readonly quarantine = new Map<string, QuarantineEntry>();

  async put(outputs: {
    bars?: readonly Bar[];
    late?: readonly LateEntry[];
    quarantine?: readonly QuarantineEntry[];
  }): Promise<void> {
    for (const bar of outputs.bars ?? [])
      this.bars.set(`${bar.symbol} ${bar.interval} ${bar.windowStart}`, bar);
    for (const e of outputs.late ?? []) this.late.set(`${e.interval} ${originKey(e.origin)}`, e);
    for (const e of outputs.quarantine ?? []) this.quarantine.set(originKey(e.origin), e);
  }
}

function originKey(origin: { shardId: string; sequenceNumber: string; subIndex: number }): string {
  return `${origin.shardId} ${origin.sequenceNumber} ${origin.subIndex}`;
}
