/** Errors of the serving store (Cassandra locally, Amazon Keyspaces in AWS). */

export class ServingStoreError extends Error {
  override readonly name: string = 'ServingStoreError';
}

/** The configuration cannot produce a working client (says which field and why). */
export class InvalidServingConfigError extends ServingStoreError {
  override readonly name = 'InvalidServingConfigError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid serving-store config: ${field}: ${reason}`);
  }
}

/** A read asked for something the table cannot answer (bad range, limit, …). */
export class InvalidBarQueryError extends ServingStoreError {
  override readonly name = 'InvalidBarQueryError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid bar query: ${field}: ${reason}`);
  }
}

/** A write still failed after every retry; `attempts` says how many were made. */
export class ServingWriteError extends ServingStoreError {
  override readonly name = 'ServingWriteError';
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `serving-store write failed after ${attempts} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** The TLS handshake refused the server: its certificate is not signed by a trusted CA, or not for the name connected to. */
export class ServingTlsError extends ServingStoreError {
  override readonly name = 'ServingTlsError';
  constructor(
    readonly endpoint: string,
    /** Node's TLS error code, e.g. SELF_SIGNED_CERT_IN_CHAIN or ERR_TLS_CERT_ALTNAME_INVALID. */
    readonly code: string,
    override readonly cause: Error,
  ) {
    super(
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `TLS to ${endpoint}: the server's certificate is not for this name (${cause.message}); connect by the name it was issued for (serving.endpoint)`
        : `TLS to ${endpoint}: the server's certificate is not signed by a trusted CA (${code}: ${cause.message}); trust the CA with TICKFLOW_SERVING_EXTRA_CA_PEM (e.g. a private CA in front of a VPC endpoint)`,
    );
  }
}

/** The TLS error behind a driver's "no host available", if the handshake is what failed. */
export function tlsFailureOf(err: unknown): { code: string; error: Error } | undefined {
  const inner = (err as { innerErrors?: Record<string, unknown> }).innerErrors;
  for (const e of Object.values(inner ?? {})) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CERTIFICATE_CODES.test(code)) return { code, error: e as Error };
  }
  return undefined;
}

/** Node's codes for a certificate the TLS handshake refused (tls.connect, X509 verification). */
const TLS_CERTIFICATE_CODES =
  /^(ERR_TLS_CERT_ALTNAME_INVALID|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$/;
