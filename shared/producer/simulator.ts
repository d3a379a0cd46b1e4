import { createRandom, type Random } from '../random.js';
import { ArrivalQueue } from './arrival-queue.js';
import { type Instrument, pickInstruments, roundToStep } from './instruments.js';
import { malformedRecord } from './malformed-records.js';
import type { ProducerRecord, TickPayload } from './types.js';
import { ZipfSampler } from './zipf.js';

/** Default event-time start: fixed, so two runs with one seed produce identical ticks. */
export const DEFAULT_SIMULATION_START = Date.UTC(2024, 0, 2, 0, 0, 0);

const MS_PER_YEAR = 365.25 * 24 * 3_600_000;

export interface SimulationOptions {
  /** Number of instruments (default 8); see {@link pickInstruments}. */
  readonly symbols?: number;
  /** Ticks to generate; undefined means endless (live mode). Duplicates and malformed records come on top. */
  readonly ticks?: number;
  readonly seed?: number | string;
  /** Event time of the first tick, epoch ms (default {@link DEFAULT_SIMULATION_START}; pass Date.now() for "now"). */
  readonly start?: number;
  /** Mean ticks per second of event time over all symbols (Poisson arrivals; default 20). */
  readonly ticksPerSecond?: number;
  /** Zipf exponent of per-symbol activity: symbol k gets weight 1/k^s (default 1.1; 0 = uniform). */
  readonly zipfExponent?: number;
  /** Annualised drift μ of the geometric Brownian motion (default 0). */
  readonly drift?: number;
  /** A fraction of ticks arrives up to `maxDelayMs` after its event time, behind later ticks. */
  readonly outOfOrder?: { readonly fraction: number; readonly maxDelayMs: number };
  /** A fraction of records is re-sent (same symbol and id) up to `maxDelayMs` later (default 2 s), like a producer retry. */
  readonly duplicates?: { readonly fraction: number; readonly maxDelayMs?: number };
  /** A fraction of ticks carries an event time `minAgeMs`–`maxAgeMs` in the past (default 15–60 min): beyond the allowed lateness. */
  readonly late?: { readonly fraction: number; readonly minAgeMs?: number; readonly maxAgeMs?: number };
  /** A fraction of extra records breaks the contract, for demos of the quarantine path. */
  readonly malformed?: { readonly fraction: number };
  /** Injected anomalies, for testing market alerts (docs/market-alerts.md). */
  readonly anomalies?: SimulatedAnomalies;
}

/** Anomalies injected on purpose; `symbol` must be one of the simulated instruments. */
export interface SimulatedAnomalies {
  /** At event time `at`, the symbol's price is multiplied by `factor` (a level shift: it stays there). */
  readonly jumps?: readonly { readonly symbol: string; readonly at: number; readonly factor: number }[];
  /** The symbol sends no tick with an event time in [from, to). */
  readonly silences?: readonly { readonly symbol: string; readonly from: number; readonly to: number }[];
  /** At event time `at`, `count` ticks of the symbol arrive stamped `ageMs` in the past (late). */
  readonly lateBursts?: readonly {
    readonly symbol: string;
    readonly at: number;
    readonly count: number;
    readonly ageMs: number;
  }[];
}

/** What the simulator emitted so far. */
export interface SimulationCounts {
  ticks: number;
  records: number;
  outOfOrder: number;
  duplicates: number;
  late: number;
  malformed: number;
}

interface SymbolState {
  readonly instrument: Instrument;
  /** Unrounded GBM price; only the emitted price is rounded to the tick size. */
  price: number;
  lastTs: number;
  nextId: number;
  /** Jumps and late bursts of this symbol not yet injected, by event time. */
  jumps: { at: number; factor: number }[];
  bursts: { at: number; count: number; ageMs: number }[];
}

/**
 * A seeded market: per-symbol geometric Brownian motion, Zipf-skewed activity, Poisson event times
 * and optional faults (out-of-order, duplicate, late and malformed records). Deterministic for a seed.
 *
 * @example
 * const sim = new MarketSimulator({ symbols: 4, ticks: 1000, seed: 7 });
 * for (const record of sim.records()) publish(record); // arrival order, partition key = symbol
 */
export class MarketSimulator {
  readonly counts: SimulationCounts = {
    ticks: 0,
    records: 0,
    outOfOrder: 0,
    duplicates: 0,
    late: 0,
    malformed: 0,
  };
  readonly instruments: readonly Instrument[];
  private readonly rng: Random;
  private readonly options: SimulationOptions;

  constructor(options: SimulationOptions = {}) {
    validate(options);
    this.options = options;
    this.rng = createRandom(options.seed ?? 1);
    this.instruments = pickInstruments(options.symbols ?? 8, this.rng.uniform);
    validateAnomalies(options.anomalies, new Set(this.instruments.map((i) => i.symbol)));
  }

  /** The records in arrival order; a fresh simulator is needed to replay the same sequence. */
  *records(): Generator<ProducerRecord> {
    const { rng, options, counts } = this;
    const states: SymbolState[] = this.instruments.map((instrument) => ({
      instrument,
      price: instrument.startPrice,
      lastTs: options.start ?? DEFAULT_SIMULATION_START,
      nextId: 1,
      jumps: (options.anomalies?.jumps ?? [])
        .filter((j) => j.symbol === instrument.symbol)
        .sort((a, b) => a.at - b.at),
      bursts: (options.anomalies?.lateBursts ?? [])
        .filter((b) => b.symbol === instrument.symbol)
        .sort((a, b) => a.at - b.at),
    }));
    const silences = options.anomalies?.silences ?? [];
    const activity = new ZipfSampler(states.length, options.zipfExponent ?? 1.1);
    const meanGapMs = 1_000 / (options.ticksPerSecond ?? 20);
    const queue = new ArrivalQueue<ProducerRecord>();
    let clock = options.start ?? DEFAULT_SIMULATION_START;

    for (let n = 0; options.ticks === undefined || n < options.ticks; n++) {
      if (n > 0) clock += rng.exponential(meanGapMs);
      const state = states[activity.sample(rng.next())]!;
      const ts = Math.round(clock);
      const { symbol } = state.instrument;
      if (silences.some((q) => q.symbol === symbol && ts >= q.from && ts < q.to)) continue;
      const payload = this.nextTick(state, ts);
      counts.ticks++;
      this.schedule(queue, symbol, payload, clock);
      while (state.bursts.length > 0 && state.bursts[0]!.at <= ts) {
        const burst = state.bursts.shift()!;
        for (let k = 0; k < burst.count; k++) {
          queue.push(clock, {
            partitionKey: symbol,
            payload: { ...payload, ts: ts - burst.ageMs, id: `late-${burst.at}-${k}` },
          });
          counts.late++;
        }
      }
      while (queue.peekArrival() <= clock) {
        counts.records++;
        yield queue.pop()!;
      }
    }
    while (queue.size > 0) {
      counts.records++;
      yield queue.pop()!;
    }
  }

  /** Advances the symbol's GBM to `ts` and returns its next trade. */
  private nextTick(state: SymbolState, ts: number): TickPayload {
    const { instrument } = state;
    const dt = Math.max(0, ts - state.lastTs) / MS_PER_YEAR;
    while (state.jumps.length > 0 && state.jumps[0]!.at <= ts) state.price *= state.jumps.shift()!.factor;
    const sigma = instrument.volatility;
    const mu = this.options.drift ?? 0;
    state.price *= Math.exp((mu - (sigma * sigma) / 2) * dt + sigma * Math.sqrt(dt) * this.rng.normal());
    state.lastTs = ts;
    const { median, sigma: sizeSigma, step } = instrument.size;
    const size = Math.max(step, roundToStep(median * Math.exp(sizeSigma * this.rng.normal()), step));
    return {
      ts,
      symbol: instrument.symbol,
      price: Math.max(instrument.tickSize, roundToStep(state.price, instrument.tickSize)),
      size,
      id: String(state.nextId++),
    };
  }

  /** Queues a tick (and its faults) by arrival time; `now` is the current event time. */
  private schedule(
    queue: ArrivalQueue<ProducerRecord>,
    symbol: string,
    tick: TickPayload,
    now: number,
  ): void {
    const { rng, options, counts } = this;
    let payload = tick;
    let arrival = now;
    if (options.late && rng.chance(options.late.fraction)) {
      const age = rng.uniform(options.late.minAgeMs ?? 15 * 60_000, options.late.maxAgeMs ?? 60 * 60_000);
      payload = { ...tick, ts: Math.round(now - age) };
      counts.late++;
    } else if (options.outOfOrder && rng.chance(options.outOfOrder.fraction)) {
      arrival = now + rng.uniform(1, options.outOfOrder.maxDelayMs);
      counts.outOfOrder++;
    }
    const record: ProducerRecord = { partitionKey: symbol, payload };
    queue.push(arrival, record);
    if (options.duplicates && rng.chance(options.duplicates.fraction)) {
      queue.push(arrival + rng.uniform(1, options.duplicates.maxDelayMs ?? 2_000), record);
      counts.duplicates++;
    }
    if (options.malformed && rng.chance(options.malformed.fraction)) {
      queue.push(now, malformedRecord(symbol, Math.round(now), rng));
      counts.malformed++;
    }
  }
}

/** A simulation option out of range; `option` names it as the CLI spells it. */
export class SimulationOptionError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`simulation option ${option} = ${String(value)}: expected ${expected}`);
    this.name = 'SimulationOptionError';
  }
}

function validate(o: SimulationOptions): void {
  const check = (option: string, value: number | undefined, ok: (v: number) => boolean, expected: string) => {
    if (value !== undefined && !(Number.isFinite(value) && ok(value)))
      throw new SimulationOptionError(option, value, expected);
  };
  const fraction = (v: number) => v >= 0 && v <= 1;
  check('symbols', o.symbols, (v) => Number.isInteger(v) && v >= 1 && v <= 100_000, 'an integer in 1–100000');
  check('ticks', o.ticks, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  check('start', o.start, Number.isInteger, 'epoch milliseconds');
  check('ticksPerSecond', o.ticksPerSecond, (v) => v > 0, 'a number > 0');
  check('zipfExponent', o.zipfExponent, (v) => v >= 0, 'a number ≥ 0');
  check('drift', o.drift, () => true, 'a finite number');
  check('outOfOrder.fraction', o.outOfOrder?.fraction, fraction, 'a fraction in [0, 1]');
  check('outOfOrder.maxDelayMs', o.outOfOrder?.maxDelayMs, (v) => v >= 1, 'milliseconds ≥ 1');
  check('duplicates.fraction', o.duplicates?.fraction, fraction, 'a fraction in [0, 1]');
  check('duplicates.maxDelayMs', o.duplicates?.maxDelayMs, (v) => v >= 1, 'milliseconds ≥ 1');
  check('late.fraction', o.late?.fraction, fraction, 'a fraction in [0, 1]');
  check('malformed.fraction', o.malformed?.fraction, fraction, 'a fraction in [0, 1]');
  const minAge = o.late?.minAgeMs ?? 15 * 60_000;
  check('late.maxAgeMs', o.late?.maxAgeMs, (v) => v >= minAge, `milliseconds ≥ late.minAgeMs (${minAge})`);
}

function validateAnomalies(a: SimulatedAnomalies | undefined, symbols: ReadonlySet<string>): void {
  if (!a) return;
  const all = [
    ...(a.jumps ?? []).map((x, i) => [`anomalies.jumps[${i}]`, x] as const),
    ...(a.silences ?? []).map((x, i) => [`anomalies.silences[${i}]`, x] as const),
    ...(a.lateBursts ?? []).map((x, i) => [`anomalies.lateBursts[${i}]`, x] as const),
  ];
  for (const [at, x] of all) {
    if (!symbols.has(x.symbol))
      throw new SimulationOptionError(
        `${at}.symbol`,
        x.symbol,
        `one of the simulated symbols (${[...symbols].join(', ')})`,
      );
  }
  for (const [i, j] of (a.jumps ?? []).entries())
    if (!(j.factor > 0))
      throw new SimulationOptionError(`anomalies.jumps[${i}].factor`, j.factor, 'a number > 0');
  for (const [i, b] of (a.lateBursts ?? []).entries())
    if (!(Number.isInteger(b.count) && b.count >= 1 && b.ageMs > 0))
      throw new SimulationOptionError(
        `anomalies.lateBursts[${i}]`,
        JSON.stringify(b),
        'count ≥ 1 and ageMs > 0',
      );
}
