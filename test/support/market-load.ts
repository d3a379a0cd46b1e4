/**
 * Replay files at market rates: `symbols` symbols (activity Zipf-skewed when `zipf` is set) at
 * `rate` ticks/s of event time in all, 32-hex-digit trade ids as large exchanges send them, producer
 * retries (`retryRate`: the same trade again, possibly long after) and arrival jitter (`jitterRate`
 * of ticks arrive `jitterMs` behind the symbol's newest, beyond the 60 s the old dedup horizon
 * covered). Used by the hot-symbol integration test and `npm run bench -- --only scale`.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createRandom } from '../../shared/random.js';
import type { ContractCsv, ContractRow } from './contract-csv.js';

export interface MarketLoad {
  readonly ticks: number;
  /** Ticks per second of event time, all symbols together. */
  readonly rate: number;
  readonly symbols?: number;
  /** Zipf exponent of the symbols' activity; 0 spreads ticks evenly. @default 0 */
  readonly zipf?: number;
  /** Fraction of ticks followed later by a producer retry of an earlier tick. @default 0.01 */
  readonly retryRate?: number;
  /** Fraction of ticks that arrive late in event time. @default 0.02 */
  readonly jitterRate?: number;
  /** How far behind its symbol's newest tick a jittered tick arrives, at most. @default 90_000 */
  readonly jitterMs?: number;
  readonly seed?: number;
  /** Epoch ms of the first tick. @default 2024-03-15T00:00:00Z */
  readonly start?: number;
}

/** Symbol names `S0000`…; the first is the busiest under Zipf. */
export const symbolName = (i: number) => `S${String(i).padStart(4, '0')}`;

/** The trade id of tick `i`: 32 hex digits, as random as a UUID. */
export function hexTradeId(seed: number, i: number): string {
  return createHash('md5').update(`${seed}:${i}`).digest('hex');
}

type Fields = NonNullable<ContractRow['fields']>;

/** The rows of a market load in arrival order, generated lazily (3 million rows need no array). */
export function* marketLoadFields(load: MarketLoad): Generator<Fields> {
  const random = createRandom(load.seed ?? 1);
  const symbols = load.symbols ?? 1;
  const weights = Array.from({ length: symbols }, (_, i) => 1 / (i + 1) ** (load.zipf ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w, i) => {
    cumulative[i] = (acc + w) / total;
    return acc + w;
  }, 0);
  const pick = () => {
    const u = random.next();
    let lo = 0;
    let hi = symbols - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = load.start ?? Date.UTC(2024, 2, 15);
  const jitterMs = load.jitterMs ?? 90_000;
  const price = new Float64Array(symbols).fill(100);
  const recent: Fields[] = [];
  for (let i = 0; i < load.ticks; i++) {
    const clock = start + Math.floor((i * 1000) / load.rate);
    const s = pick();
    price[s] = price[s]! * Math.exp(random.normal() * 1e-4);
    const ts = random.chance(load.jitterRate ?? 0.02)
      ? clock - 60_000 - random.int(jitterMs - 60_000)
      : clock;
    const fields: Fields = [
      String(ts),
      symbolName(s),
      price[s]!.toPrecision(8),
      (random.int(1000) / 100).toFixed(2),
      hexTradeId(load.seed ?? 1, i),
    ];
    yield fields;
    recent.push(fields);
    if (recent.length > 4096) recent.splice(0, 2048);
    // A retry of a recent tick, jittered ones included: its original may lag far behind the max.
    if (random.chance(load.retryRate ?? 0.01)) yield recent[random.int(recent.length)]!;
  }
}

export const MARKET_LOAD_HEADER = 'ts,symbol,price,size,id';

export function marketLoadCsv(load: MarketLoad): ContractCsv {
  const rows: ContractRow[] = [];
  for (const fields of marketLoadFields(load)) {
    rows.push({ seq: rows.length, fields, line: fields.join(',') });
  }
  return { text: `${MARKET_LOAD_HEADER}\n${rows.map((r) => r.line).join('\n')}\n`, rows };
}

/** Writes a market load straight to a CSV file; returns the data rows written (retries included). */
export async function writeMarketLoadCsv(file: string, load: MarketLoad): Promise<number> {
  const out = createWriteStream(file);
  let rows = 0;
  let chunk: string[] = [MARKET_LOAD_HEADER];
  for (const fields of marketLoadFields(load)) {
    chunk.push(fields.join(','));
    rows++;
    if (chunk.length >= 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
  return rows;
}
