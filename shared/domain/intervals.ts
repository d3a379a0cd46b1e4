import { InvalidIntervalError } from './errors.js';

/**
 * Window intervals (docs/stream-contract.md#windows-and-labels): `<n><s|m|h|d>` is tumbling (`1m`), `<size>_<slide>` is sliding
 * (`5m_1m`: 5-minute windows every minute). Windows are aligned to the Unix epoch in UTC:
 * window k is [k·slide, k·slide + size).
 */
export interface IntervalSpec {
  /** The label as configured; it names the interval in every output. */
  readonly label: string;
  readonly sizeMs: number;
  /** Equal to `sizeMs` for a tumbling interval. */
  readonly slideMs: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^([1-9]\d{0,5})([smhd])$/;

/**
 * Parses one interval label.
 * @example parseInterval('5m_1m') // { label: '5m_1m', sizeMs: 300000, slideMs: 60000 }
 * @throws InvalidIntervalError when the label is malformed or the slide does not divide the size.
 */
export function parseInterval(label: string): IntervalSpec {
  const parts = label.split('_');
  if (parts.length > 2) {
    throw new InvalidIntervalError(label, 'expected <size> or <size>_<slide>, e.g. 5m or 5m_1m');
  }
  const sizeMs = parseDuration(label, parts[0]!);
  if (parts.length === 1) return { label, sizeMs, slideMs: sizeMs };
  const slideMs = parseDuration(label, parts[1]!);
  if (slideMs > sizeMs || sizeMs % slideMs !== 0) {
    throw new InvalidIntervalError(label, `the slide (${parts[1]}) must divide the size (${parts[0]})`);
  }
  return { label, sizeMs, slideMs };
}

/**
 * Parses a list of interval labels, rejecting an empty list and repeated labels.
 * @throws InvalidIntervalError for the first bad label.
 */
export function parseIntervals(labels: readonly string[]): IntervalSpec[] {
  if (labels.length === 0) throw new InvalidIntervalError('', 'at least one interval is required');
  const seen = new Set<string>();
  return labels.map((label) => {
    if (seen.has(label)) throw new InvalidIntervalError(label, 'listed more than once');
    seen.add(label);
    return parseInterval(label);
  });
}

/** True when windows of the interval overlap (slide shorter than size). */
export function isSliding(spec: IntervalSpec): boolean {
  return spec.slideMs !== spec.sizeMs;
}

/**
 * Start times of every window of `spec` that contains `ts`, ascending: exactly size/slide of them.
 * @example assignWindows(90_000, parseInterval('2m_1m')) // [0, 60000]
 */
export function assignWindows(ts: number, spec: IntervalSpec): number[] {
  const lastStart = Math.floor(ts / spec.slideMs) * spec.slideMs;
  const count = spec.sizeMs / spec.slideMs;
  const starts: number[] = [];
  for (let i = count - 1; i >= 0; i--) starts.push(lastStart - i * spec.slideMs);
  return starts;
}

function parseDuration(label: string, text: string): number {
  const m = DURATION.exec(text);
  if (!m) {
    throw new InvalidIntervalError(
      label,
      `"${text}" is not a duration: expected a positive integer of up to 6 digits and a unit s, m, h or d, e.g. 15m`,
    );
  }
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
