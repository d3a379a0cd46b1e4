import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Kafka SASL credentials, as a Secrets Manager secret holds them for Lambda's self-managed Kafka event source. */
export interface KafkaSecretCredentials {
  readonly username: string;
  readonly password: string;
}

/** The secret could not be read, or does not hold `{"username": …, "password": …}`. */
export class KafkaSecretError extends Error {
  constructor(
    readonly secretId: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Kafka credentials secret ${secretId}: ${reason}`, options);
    this.name = 'KafkaSecretError';
  }
}

/**
 * Reads SASL credentials from a Secrets Manager secret whose text is the JSON object Lambda's
 * self-managed Kafka event source reads (`{"username": "…", "password": "…"}`), so the producer and
 * the deployed consumer can share one secret. The region is the ARN's (`region` for a bare name); the
 * SDK's endpoint settings (`AWS_ENDPOINT_URL…`) apply.
 */
export async function readKafkaSecret(
  secretId: string,
  options: { readonly region?: string; readonly client?: SecretsManagerClient } = {},
): Promise<KafkaSecretCredentials> {
  const region = secretId.match(/^arn:[^:]+:secretsmanager:([^:]+):/)?.[1] ?? options.region;
  const client = options.client ?? new SecretsManagerClient(region ? { region } : {});
  let text: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    text = out.SecretString ?? (out.SecretBinary && Buffer.from(out.SecretBinary).toString('utf8'));
  } catch (err) {
    throw new KafkaSecretError(secretId, `GetSecretValue failed: ${(err as Error).message}`, { cause: err });
  } finally {
    if (!options.client) client.destroy();
  }
  return parseKafkaSecret(secretId, text ?? '');
}

/** The credentials in a secret's text; throws {@link KafkaSecretError} naming what is missing (never the password). */
export function parseKafkaSecret(secretId: string, text: string): KafkaSecretCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KafkaSecretError(secretId, 'is not JSON; store {"username": "…", "password": "…"}');
  }
  const { username, password } = (value ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new KafkaSecretError(
      secretId,
      'needs non-empty string fields "username" and "password" (the shape Lambda’s Kafka event source reads)',
    );
  }
  return { username, password };
}
