import { DEFAULT_ALLOWED_LATENESS_MS } from '../../shared/config.js';
import {
  DEFAULT_SIMULATION_START,
  MarketSimulator,
  type SimulationOptions,
} from '../../shared/producer/index.js';

const MIN = 60_000;

/**
 * One hour of four symbols at one tick a second each, with anomalies injected where the test knows
 * them: two price jumps, a symbol silent for ten minutes mid-run, one silent from minute 50 to the
 * end, and a burst of late ticks. `expectedAlertIds` are the alerts the default thresholds must
 * raise, and no other.
 */
export function anomalyScenario(start = DEFAULT_SIMULATION_START): {
  options: SimulationOptions;
  expectedAlertIds: string[];
  ticks: number;
} {
  const base = { symbols: 4, seed: 11, start, zipfExponent: 0, ticksPerSecond: 4 } as const;
  const [a, b, c, d] = new MarketSimulator(base).instruments.map((i) => i.symbol) as [
    string,
    string,
    string,
    string,
  ];
  const at = (minutes: number) => start + minutes * MIN;
  const ticks = 4 * 3_600;
  const options: SimulationOptions = {
    ...base,
    ticks,
    anomalies: {
      jumps: [
        { symbol: a, at: at(20), factor: 1.05 },
        { symbol: b, at: at(40), factor: 0.96 },
      ],
      silences: [
        { symbol: c, from: at(25), to: at(35) },
        { symbol: d, from: at(50), to: at(24 * 60) },
      ],
      lateBursts: [{ symbol: a, at: at(32), count: 40, ageMs: 20 * MIN }],
    },
  };
  // The late burst meets a watermark trailing minute 32 by the allowed lateness.
  const lateWindow = Math.floor((at(32) - DEFAULT_ALLOWED_LATENESS_MS) / MIN) * MIN;
  const id = (kind: string, symbol: string, windowStart: number) => `${kind}|${symbol}|1m|${windowStart}`;
  const expectedAlertIds = [
    id('price-move', a, at(20)),
    id('price-move', b, at(40)),
    id('quiet-feed', c, at(24)),
    id('quiet-feed', d, at(49)),
    id('late-spike', a, lateWindow),
  ].sort();
  return { options, expectedAlertIds, ticks };
}
