/**
 * A small seeded pseudo-random source (mulberry32) with the samplers the simulator needs. Pure and
 * deterministic: the same seed always yields the same sequence, on every platform, so a simulated
 * run can be replayed exactly. Not for cryptography.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1) (Box–Muller, one value per call). */
  normal(): number;
  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** Turns any seed (number or text) into a 32-bit state with FNV-1a, so `--seed demo` works too. */
export function seedToState(seed: number | string): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Creates a seeded random source.
 * @example const rng = createRandom(42); rng.normal(); // same value on every run
 */
export function createRandom(seed: number | string): Random {
  let state = seedToState(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    normal: () => {
      // 1 - u keeps the argument of the logarithm in (0, 1].
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    chance: (p) => p > 0 && next() < p,
  };
}
