import { randomUUID } from 'node:crypto';
import type { SeenIds } from '../../domain/index.js';
import type { Bar } from '../../domain/types.js';
import {
  type LateEntry,
  type OutputStore,
  type Outputs,
  type QuarantineEntry,
  StateConflictError,
  type StateStore,
  type StoredSymbolState,
} from '../../pipeline/ports.js';
import {
  eventTimeKey,
  nextEntryKey,
  planEntry,
  resolveChain,
  type SeenIdEntryPart,
} from '../../pipeline/seen-id-log.js';

/**
 * The state table and the seen-id log in memory, with the DynamoDB adapter's contract: log entries
 * are appended first, then a commit succeeds only on the next version. With `persist: 'json'` (the
 * default) every state goes through JSON on the way in and out, as it does through DynamoDB;
 * `'reference'` keeps objects as they are (benchmarks that exclude serialisation).
 */
export class InMemoryStateStore implements StateStore {
  private readonly states = new Map<string, StoredSymbolState>();
  /** Seen-id log parts per symbol, by `entry#part` (orphans of lost commits included, as in DynamoDB). */
  readonly seenIdParts = new Map<string, Map<string, SeenIdEntryPart>>();
  /** Every committed state, in commit order (tests inspect the history). */
  readonly commits: StoredSymbolState[] = [];

  constructor(private readonly persist: 'json' | 'reference' = 'json') {}

  async load(symbols: readonly string[]): Promise<Map<string, StoredSymbolState>> {
    const found = new Map<string, StoredSymbolState>();
    for (const symbol of symbols) {
      const state = this.states.get(symbol);
      if (state) found.set(symbol, this.copy(state));
    }
    return found;
  }

  async loadSeenIds(state: StoredSymbolState): Promise<SeenIds> {
    if (state.seenIdsFrom === null) return [];
    const from = eventTimeKey(state.seenIdsFrom);
    const parts = [...(this.seenIdParts.get(state.symbol)?.values() ?? [])].filter((p) => p.entry >= from);
    return resolveChain(state.seenIdsTip, parts);
  }

  async commit(next: StoredSymbolState, newIds: SeenIds): Promise<void> {
    let tip = next.seenIdsTip;
    if (newIds.length > 0) {
      const entry = nextEntryKey(tip, newIds, next.version, randomUUID());
      const log = this.seenIdParts.get(next.symbol) ?? new Map<string, SeenIdEntryPart>();
      this.seenIdParts.set(next.symbol, log);
      for (const part of planEntry(entry, tip ?? null, newIds))
        log.set(`${entry}#${part.part}`, this.copy(part));
      tip = entry;
    }
    const current = this.states.get(next.symbol)?.version ?? 0;
    if (current !== next.version - 1) throw new StateConflictError(next.symbol, next.version - 1);
    const stored = this.copy({ ...next, seenIdsTip: tip });
    this.states.set(next.symbol, stored);
    this.commits.push(stored);
  }

  async scan(): Promise<StoredSymbolState[]> {
    return [...this.states.values()].map((s) => this.copy(s));
  }

  private copy<T>(value: T): T {
    return this.persist === 'json' ? (JSON.parse(JSON.stringify(value)) as T) : value;
  }
}

/** Closed bars, late ticks and quarantined records in memory, keyed by identity (so rewrites are idempotent). */
export class InMemoryOutputStore implements OutputStore {
  readonly bars = new Map<string, Bar>();
  readonly late = new Map<string, LateEntry>();
  readonly quarantine = new Map<string, QuarantineEntry>();
  /** Writes that replaced an existing item with different content (must stay 0: outputs are deterministic). */
  conflictingRewrites = 0;

  async put(outputs: Outputs): Promise<void> {
    for (const bar of outputs.bars ?? [])
      this.set(this.bars, `${bar.symbol} ${bar.interval} ${bar.windowStart}`, bar);
    for (const e of outputs.late ?? []) this.set(this.late, `${e.interval} ${originKey(e.origin)}`, e);
    for (const e of outputs.quarantine ?? []) this.set(this.quarantine, originKey(e.origin), e);
  }

  private set<T>(map: Map<string, T>, key: string, value: T): void {
    const prev = map.get(key);
    if (prev !== undefined && JSON.stringify(prev) !== JSON.stringify(value)) this.conflictingRewrites++;
    map.set(key, value);
  }
}

function originKey(origin: { shardId: string; sequenceNumber: string; subIndex: number }): string {
  return `${origin.shardId} ${origin.sequenceNumber} ${origin.subIndex}`;
}
