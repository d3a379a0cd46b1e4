import type { ProducerRecord } from '../types.js';
import type { VenueName, VenueTrade } from './types.js';

/** Trades missing between two that were seen: ids `fromId`…`toId` inclusive never arrived. */
export interface TradeGap {
  readonly symbol: string;
  readonly fromId: number;
  readonly toId: number;
  readonly missing: number;
}

/** What one trade id says about the feed of its symbol. */
export type TradeIdVerdict =
  | { readonly kind: 'next' }
  /** At or below the newest id seen: a reconnect overlap or a venue resend; the pipeline drops it by id. */
  | { readonly kind: 'repeat' }
  | { readonly kind: 'gap'; readonly gap: TradeGap };

/**
 * Follows each symbol's newest trade id. Both venues number a symbol's trades consecutively, so an id
 * more than one past the newest means trades were lost (a disconnect longer than the venue's replay,
 * a slow consumer the venue dropped): that is reported, never papered over. The first id of a symbol
 * only sets the baseline.
 */
export class TradeIdTracker {
  private readonly newest = new Map<string, number>();

  /** A trade's id. */
  observe(symbol: string, tradeId: number): TradeIdVerdict {
    const last = this.newest.get(symbol);
    if (last !== undefined && tradeId <= last) return { kind: 'repeat' };
    this.newest.set(symbol, tradeId);
    if (last === undefined || tradeId === last + 1) return { kind: 'next' };
    return { kind: 'gap', gap: { symbol, fromId: last + 1, toId: tradeId - 1, missing: tradeId - last - 1 } };
  }

  /**
   * A heartbeat naming the venue's newest trade id: trades past ours that we have not received are a
   * gap, unless a trade is merely in flight, so only ids two or more past ours count, and the
   * baseline moves so the same ids are not reported twice when they never come.
   */
  heartbeat(symbol: string, lastTradeId: number): TradeGap | undefined {
    const last = this.newest.get(symbol);
    if (last === undefined || lastTradeId === 0 || lastTradeId <= last + 1) return undefined;
    this.newest.set(symbol, lastTradeId);
    return { symbol, fromId: last + 1, toId: lastTradeId, missing: lastTradeId - last };
  }

  get symbols(): number {
    return this.newest.size;
  }
}

/**
 * The record a trade becomes: a tick keyed by its symbol, stamped with the venue's trade time, and
 * identified by venue and trade id, so a trade read twice (a reconnect overlap) is one trade to the
 * pipeline's deduplication, and two venues' trades of one pair never share an id.
 */
export function tradeRecord(venue: VenueName, trade: VenueTrade): ProducerRecord {
  return {
    partitionKey: trade.symbol,
    payload: {
      symbol: trade.symbol,
      ts: trade.ts,
      price: trade.price,
      size: trade.size,
      id: `${venue}-${trade.tradeId}`,
    },
  };
}
