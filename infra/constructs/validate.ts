/**
 * Prop checks the constructs run before creating anything, so a bad value fails `cdk synth` with a
 * message that names the prop and the fix instead of a CloudFormation error at deploy time.
 */
import { InvalidPropsError } from '../errors.js';

/** Throws unless `value` is an integer in [min, max]; `what` explains the unit or meaning. */
export function requireIntegerInRange(
  construct: string,
  prop: string,
  value: number,
  min: number,
  max: number,
  what: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropsError(construct, prop, value, `use an integer from ${min} to ${max} (${what})`);
  }
}

/** Throws unless `value` is a finite number in (0, max]. */
export function requirePositiveAtMost(
  construct: string,
  prop: string,
  value: number,
  max: number,
  what: string,
): void {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new InvalidPropsError(
      construct,
      prop,
      value,
      `use a number greater than 0 and at most ${max} (${what})`,
    );
  }
}
