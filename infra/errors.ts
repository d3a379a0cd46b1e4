/** Base class of every error the CDK app throws on bad input; each carries what a reader needs to fix it. */
export class TickflowInfraError extends Error {
  override readonly name: string = 'TickflowInfraError';
}

/** A construct prop out of its allowed range; the message says which construct, which prop and what to do. */
export class InvalidPropsError extends TickflowInfraError {
  override readonly name = 'InvalidPropsError';

  constructor(
    readonly construct: string,
    readonly prop: string,
    readonly value: unknown,
    readonly hint: string,
  ) {
    super(`${construct}: invalid ${prop} = ${JSON.stringify(value)}; ${hint}`);
  }
}

/**
 * A configuration setting (an environment file under `infra/environments/`, the `tickflow` context
 * value, or a value derived from them such as a resource name) that cannot be used; `key` names the
 * setting as docs/configuration.md does, e.g. `serving.enabled`.
 */
export class InfraConfigError extends TickflowInfraError {
  override readonly name = 'InfraConfigError';

  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly hint: string,
  ) {
    super(`setting ${key} = ${JSON.stringify(value)} cannot be used: ${hint}`);
  }
}
