/** Base of every error raised by the feature-engineering domain; `data` says what was wrong. */
export class FeatureError extends Error {
  constructor(
    message: string,
    readonly data: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The bars handed to the grid are not one symbol's bars of one interval. */
export class MixedSeriesError extends FeatureError {
  constructor(
    readonly field: 'symbol' | 'interval' | 'window length',
    readonly expected: string,
    readonly found: string,
  ) {
    super(`bars of one series expected: ${field} "${expected}" and "${found}" are mixed`, {
      field,
      expected,
      found,
    });
  }
}

/** Two bars share one window_start: the gold layer must hold each window once. */
export class DuplicateWindowError extends FeatureError {
  constructor(
    readonly symbol: string,
    readonly windowStart: number,
  ) {
    super(`symbol "${symbol}" has two bars at window_start ${windowStart}`, { symbol, windowStart });
  }
}

/** A bar's window_start is not on the grid that starts at the symbol's first bar with step `stepMs`. */
export class MisalignedWindowError extends FeatureError {
  constructor(
    readonly symbol: string,
    readonly windowStart: number,
    readonly gridStart: number,
    readonly stepMs: number,
  ) {
    super(`symbol "${symbol}": window_start ${windowStart} is not gridStart ${gridStart} + k·${stepMs} ms`, {
      symbol,
      windowStart,
      gridStart,
      stepMs,
    });
  }
}

/** A numeric parameter (period, step, fraction) outside its domain. */
export class InvalidParameterError extends FeatureError {
  constructor(
    readonly parameter: string,
    readonly value: number,
    readonly expected: string,
  ) {
    super(`${parameter} must be ${expected}, got ${value}`, { parameter, value, expected });
  }
}
