/**
 * The quiet-feed index's stored form, and what reading it costs: the market watch reads it every round
 * (consistently: 1 read unit per 4 KB), so its size at a large symbol count is the round's read cost.
 */
import { expect, it } from 'vitest';
import { decodeQuietIndex, encodeQuietIndex } from '../../../shared/adapters/dynamo/sent-alerts.js';
import { pickInstruments } from '../../../shared/producer/instruments.js';

it('2,000 silent symbols fit in 8 KB (2 consistent read units a round) and read back exactly', () => {
  let seed = 1;
  const rng = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const symbols = pickInstruments(2_000, rng).map((i) => i.symbol);
  expect(new Set(symbols).size).toBe(2_000);
  // Silences that began over ten hours, a minute apart: less alike than a market's close, so larger.
  const t0 = Date.UTC(2024, 0, 2);
  const alerted = new Map(symbols.map((s, i) => [s, t0 + (i % 600) * 60_000]));
  const stored = encodeQuietIndex(alerted);
  expect(stored.byteLength).toBeLessThanOrEqual(8 * 1024);
  expect(decodeQuietIndex(stored)).toEqual(alerted);
});
