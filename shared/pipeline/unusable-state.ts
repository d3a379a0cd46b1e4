import type { QuarantineEntry, StoredSymbolState, SymbolItem } from './ports.js';

/**
 * A symbol whose state cannot be used: the stored item does not restore (`unreadable`), or applying
 * the batch would produce a state that could not be read back (`unwritable`). Neither may block the
 * shard: the symbol's ticks of the batch go to quarantine with a reason naming the state, the stored
 * item is left as it is for someone to inspect, and the rest of the batch proceeds
 * (docs/stream-contract.md, "Hostile input").
 */
export interface UnusableState {
  readonly symbol: string;
  readonly problem: 'unreadable' | 'unwritable';
  /** Version of the stored state item (0 when there was none). */
  readonly version: number;
  /** What is wrong, e.g. `cannot restore snapshot of "EURUSD": basePanes holds a malformed pane`. */
  readonly reason: string;
  /** Ticks of the batch quarantined because of it. */
  readonly quarantined: number;
}

/** The quarantine entries for a symbol's not-yet-applied ticks that an unusable state kept from being applied. */
export function quarantineForUnusableState(
  symbol: string,
  stored: StoredSymbolState | undefined,
  problem: UnusableState['problem'],
  cause: unknown,
  items: readonly SymbolItem[],
): { state: UnusableState; quarantine: QuarantineEntry[] } {
  const version = stored?.version ?? 0;
  const why = cause instanceof Error ? cause.message : String(cause);
  const what =
    problem === 'unreadable'
      ? `state of "${symbol}" (item version ${version}) cannot be read back`
      : `applying this batch would leave a state of "${symbol}" that cannot be read back (item version ${version} kept)`;
  const reason = `${what}: ${why}; tick not applied`;
  const quarantine: QuarantineEntry[] = [];
  for (const item of items) {
    // The tick as validated: its record's payload may pack ticks of other symbols too.
    if ('tick' in item) quarantine.push({ raw: JSON.stringify(item.tick), reason, origin: item.origin });
  }
  return { state: { symbol, problem, version, reason: why, quarantined: quarantine.length }, quarantine };
}
