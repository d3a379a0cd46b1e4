import type { Random } from '../random.js';
import type { ProducerRecord } from './types.js';

/**
 * Deliberately invalid records for demos of the quarantine path: each breaks one rule of the stream
 * contract (docs/stream-contract.md#validation) so the pipeline's validator has a distinct reason to report.
 */
const BREAKERS: readonly ((symbol: string, ts: number, rng: Random) => ProducerRecord['payload'])[] = [
  // Truncated JSON: not parseable at all.
  (symbol, ts) => `{"symbol":"${symbol}","ts":${ts},"price":`,
  (symbol, ts) => ({ symbol, ts, price: -1, size: 1 }),
  (symbol, ts, rng) => ({ symbol, ts, price: 100, size: 'lots', id: `bad-${rng.int(1e9)}` }),
  (_symbol, ts) => ({ ts, price: 100, size: 1 }),
  (symbol, _ts) => ({ symbol, ts: 'yesterday', price: 100, size: 1 }),
  (symbol, ts) => ({ symbol: `${symbol} !`, ts, price: 100, size: 1 }),
];

/** One malformed record keyed by `symbol`, the rule it breaks chosen by `rng`. */
export function malformedRecord(symbol: string, ts: number, rng: Random): ProducerRecord {
  const breaker = BREAKERS[rng.int(BREAKERS.length)]!;
  return { partitionKey: symbol, payload: breaker(symbol, ts, rng) };
}
