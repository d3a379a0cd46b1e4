/**
 * Timing for benchmarks run side by side in one process: every contender runs once per round, in
 * turn, so a burst of load from the rest of the machine hits all of them alike. Both wall time and
 * the process's CPU time are kept: wall time decides the ratios, CPU time shows the cost on one core
 * when the machine is shared (it excludes time spent waiting for a core).
 */

/** One timed run. */
export interface Sample {
  readonly wallMs: number;
  /** User + system CPU time of the whole process (all threads: DuckDB's workers and V8's GC count). */
  readonly cpuMs: number;
}

/** The samples of one contender and their summaries. */
export interface Timing {
  readonly samples: readonly Sample[];
  readonly wallMedianMs: number;
  readonly wallP95Ms: number;
  readonly cpuMedianMs: number;
}

/** A contender: a name and the work of one run (its result is returned so it cannot be optimised away). */
export interface Contender {
  readonly name: string;
  readonly run: () => unknown | Promise<unknown>;
}

export interface RoundOptions {
  /** Untimed rounds first: JIT warm-up, caches, lazily built tables. */
  readonly warmup: number;
  readonly runs: number;
}

/** Times one call of `run`. */
export async function timeOnce(
  run: () => unknown | Promise<unknown>,
): Promise<{ sample: Sample; result: unknown }> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await run();
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  return { sample: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }, result };
}

/**
 * Runs the contenders in rounds (warm-up rounds untimed) and returns one timing per contender, in order.
 * @example const [ours, duck] = await timeRounds([{ name: 'ours', run: a }, { name: 'duckdb', run: b }], { warmup: 1, runs: 5 });
 */
export async function timeRounds(contenders: readonly Contender[], options: RoundOptions): Promise<Timing[]> {
  const samples: Sample[][] = contenders.map(() => []);
  for (let round = 0; round < options.warmup + options.runs; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const { sample } = await timeOnce(contenders[i]!.run);
      if (round >= options.warmup) samples[i]!.push(sample);
    }
  }
  return samples.map(summarize);
}

/** Median and 95th percentile (nearest rank) of a set of samples. */
export function summarize(samples: readonly Sample[]): Timing {
  const wall = samples.map((s) => s.wallMs);
  return {
    samples,
    wallMedianMs: quantile(wall, 0.5),
    wallP95Ms: quantile(wall, 0.95),
    cpuMedianMs: quantile(
      samples.map((s) => s.cpuMs),
      0.5,
    ),
  };
}

/** Nearest-rank quantile; the median of an even count is the mean of the middle two. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (q === 0.5) {
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
