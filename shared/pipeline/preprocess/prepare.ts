import { keptRowTimes, splitBoundaries } from '../../domain/features/index.js';
import type { ParquetLake } from '../ports.js';
import { type BarDate, datesInRange, listBarDates, readWindowStarts } from './bar-files.js';
import { resolveRequest } from './request.js';
import type { FailedSymbol, PreparedRun, PreprocessRequest, SymbolSpan } from './types.js';

/**
 * The prepare step: lists the symbols with gold bars of the interval, finds each one's first and
 * last bar inside the range (reading only the window_start column of its first and last dates),
 * and computes the global split boundaries from those spans alone (every grid is regular, so
 * `keptRowTimes` knows each symbol's kept rows without its bars). An open bound becomes the
 * earliest first / latest last bar of the lake. A symbol whose files cannot be read here is
 * reported as unreadable and left out of the boundaries and the Map.
 */
export async function prepareRun(
  store: ParquetLake,
  request: PreprocessRequest | null,
): Promise<PreparedRun> {
  const { interval, stepMs, from, to } = resolveRequest(request);
  const symbols: SymbolSpan[] = [];
  const unreadable: FailedSymbol[] = [];
  for (const [symbol, dates] of await listBarDates(store, interval)) {
    try {
      const span = await symbolSpan(store, datesInRange(dates, from, to), from, to);
      if (span) symbols.push({ symbol, ...span });
    } catch (err) {
      unreadable.push(failure(symbol, err));
    }
  }
  const earliest = symbols.length > 0 ? Math.min(...symbols.map((s) => s.first)) : (to ?? 0);
  const latest = symbols.length > 0 ? Math.max(...symbols.map((s) => s.last)) : (from ?? earliest);
  const range = { from: from ?? earliest, to: to ?? latest };
  const boundaries = splitBoundaries(symbols.map((s) => keptRowTimes(s, stepMs)));
  return { interval, stepMs, range, boundaries, symbols, unreadable };
}

async function symbolSpan(
  store: ParquetLake,
  dates: readonly BarDate[],
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): Promise<{ first: number; last: number } | undefined> {
  const inRange = (t: number) => t >= from && t <= to;
  let first: number | undefined;
  for (let i = 0; i < dates.length && first === undefined; i++) {
    first = await extreme(store, dates[i]!, inRange, Math.min);
  }
  if (first === undefined) return undefined;
  let last: number | undefined;
  for (let i = dates.length - 1; i >= 0 && last === undefined; i--) {
    last = await extreme(store, dates[i]!, inRange, Math.max);
  }
  return { first, last: last! };
}

async function extreme(
  store: ParquetLake,
  date: BarDate,
  keep: (t: number) => boolean,
  pick: (a: number, b: number) => number,
): Promise<number | undefined> {
  let best: number | undefined;
  for (const key of date.keys) {
    for (const t of await readWindowStarts(store, key)) {
      if (keep(t)) best = best === undefined ? t : pick(best, t);
    }
  }
  return best;
}

/** A failure as the manifest records it: the error's name and message. */
export function failure(symbol: string, err: unknown): FailedSymbol {
  const e = err instanceof Error ? err : new Error(String(err));
  return { symbol, error: e.name, cause: e.message };
}
