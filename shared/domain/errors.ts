/**
 * Typed errors of the domain core. Bad ticks are data (see `TickValidation`), never exceptions;
 * these errors are for configuration mistakes and broken invariants that a caller must fix.
 */

/** Base class of every error the domain core throws, so callers can catch them as one family. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An interval label that does not follow `<n><s|m|h|d>` or `<size>_<slide>`. */
export class InvalidIntervalError extends DomainError {
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    super(`invalid interval "${label}": ${reason}`);
  }
}

/** An aggregator configuration that cannot work (negative lateness, no intervals, …). */
export class InvalidAggregatorConfigError extends DomainError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid aggregator config: ${field} ${reason}`);
  }
}

/** A tick handed to the aggregator of another symbol: a routing bug in the caller. */
export class SymbolMismatchError extends DomainError {
  constructor(
    readonly expected: string,
    readonly received: string,
  ) {
    super(`aggregator of "${expected}" received a tick of "${received}"`);
  }
}

/** A snapshot that is malformed or does not fit the configuration it is restored with. */
export class InvalidSnapshotError extends DomainError {
  constructor(
    readonly symbol: string,
    readonly reason: string,
  ) {
    super(`cannot restore snapshot of "${symbol}": ${reason}`);
  }
}

/**
 * A snapshot that its own restore would refuse (a number JSON cannot carry, such as an overflowed
 * Σ price·size): it must never be written, or the symbol could not be read back again.
 */
export class UnwritableSnapshotError extends DomainError {
  constructor(
    readonly symbol: string,
    readonly reason: string,
  ) {
    super(`snapshot of "${symbol}" would not restore: ${reason}`);
  }
}

/**
 * A snapshot was requested while outputs were still waiting to be drained: storing the state
 * without them would lose closed bars or late ticks for good.
 */
export class PendingOutputsError extends DomainError {
  constructor(
    readonly symbol: string,
    readonly closedBars: number,
    readonly lateTicks: number,
    readonly duplicates: number,
    readonly ticks: number,
  ) {
    super(
      `snapshot of "${symbol}" refused: drain() first (${ticks} ticks, ${closedBars} closed bars, ` +
        `${lateTicks} late ticks, ${duplicates} duplicates pending)`,
    );
  }
}
