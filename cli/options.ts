import { InvalidArgumentError } from 'commander';

/** A bad combination of flags found after parsing; the CLI prints it with a pointer to --help (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Option parsers shared by every command. Each throws commander's InvalidArgumentError with a
 * message that says what a good value looks like, so a bad flag never reaches the pipeline.
 */

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

export function probability(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError(`expected a probability between 0 and 1, got "${value}"`);
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `30s`, `10m`, `1h`, `1d` (or a bare number of milliseconds) into milliseconds. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration like 30s, 10m or 1h, got "${value}"`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 'ms']!);
}

/** A millisecond default as `duration` reads it back (`1000` → `1s`), for `--help`. */
export function durationText(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= DURATION_UNITS[unit]! && ms % DURATION_UNITS[unit]! === 0)
      return `${ms / DURATION_UNITS[unit]!}${unit}`;
  }
  return `${ms}ms`;
}

/** Comma-separated list, trimmed, empty items rejected. */
export function list(value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s.length === 0))
    throw new InvalidArgumentError(`expected a comma-separated list, got "${value}"`);
  return items;
}
