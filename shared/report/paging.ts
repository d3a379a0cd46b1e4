/**
 * Which symbols a report file charts. A lake of thousands of symbols would make a file of hundreds of
 * megabytes, so the charts come a page of symbols at a time (in name order); the overview table of
 * every file still lists every symbol with the page that charts it.
 */

import { PageOutOfRangeError } from './errors.js';
import type { PageInfo } from './types.js';

/** Symbols charted per file unless `--per-page` says otherwise. */
export const DEFAULT_SYMBOLS_PER_PAGE = 50;

/**
 * The symbols of page `page` (1-based) of `perPage` each, from symbols in name order.
 * @example pageOfSymbols(['A', 'B', 'C'], 2, 2).symbols // ['C']
 * @throws PageOutOfRangeError when the page is past the last one.
 */
export function pageOfSymbols(
  symbols: readonly string[],
  page: number,
  perPage: number = DEFAULT_SYMBOLS_PER_PAGE,
): { symbols: string[]; info: PageInfo } {
  const sorted = [...symbols].sort();
  const pages = Math.max(1, Math.ceil(sorted.length / perPage));
  if (page > pages) throw new PageOutOfRangeError(page, pages);
  return {
    symbols: sorted.slice((page - 1) * perPage, page * perPage),
    info: { number: page, pages, perPage, totalSymbols: sorted.length },
  };
}

/** The page that charts a symbol, given every symbol in name order. */
export function pageOf(sortedIndex: number, perPage: number): number {
  return Math.floor(sortedIndex / perPage) + 1;
}
