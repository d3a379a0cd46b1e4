import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WatermarkTarget } from '../watermark-target-env.js';
import type { KafkaConnection } from './connection.js';
import { KafkaSecretError, parseKafkaSecret } from './secret.js';

/** A secret's text by ARN (Secrets Manager in the deployed function). */
export type SecretReader = (secretArn: string) => Promise<string>;

type KafkaTarget = Extract<WatermarkTarget, { kind: 'kafka' }>;

/**
 * The connection the deployed idle flush produces its watermark marks over, for the target its
 * environment names (infra/constructs/handler-environment.ts): always TLS; MSK IAM signs in as the
 * function's role (OAUTHBEARER, signed for `region`); SASL/SCRAM with the `{"username","password"}`
 * secret; mTLS with the client certificate secret; a private CA from the root CA secret. The secrets
 * have the shapes Lambda's Kafka event source reads, so the mappings and the idle flush share them
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-smaa.html).
 */
export async function watermarkConnection(
  target: KafkaTarget,
  region: string,
  readSecret: SecretReader = secretsManagerReader(region),
): Promise<KafkaConnection> {
  const ca = target.rootCaSecretArn
    ? certificateField(target.rootCaSecretArn, await readSecret(target.rootCaSecretArn), 'certificate')
    : undefined;
  const tls = { ...(ca && { ca }) };
  switch (target.auth) {
    case 'aws-msk-iam':
      return { bootstrap: target.bootstrap, tls, sasl: { mechanism: 'aws-msk-iam', region } };
    case 'scram-sha-256':
    case 'scram-sha-512': {
      const secretArn = target.secretArn!;
      const credentials = parseKafkaSecret(secretArn, await readSecret(secretArn));
      return { bootstrap: target.bootstrap, tls, sasl: { mechanism: target.auth, ...credentials } };
    }
    case 'mtls': {
      const secretArn = target.secretArn!;
      const text = await readSecret(secretArn);
      const cert = certificateField(secretArn, text, 'certificate');
      const key = certificateField(secretArn, text, 'privateKey');
      const passphrase = (JSON.parse(text) as { privateKeyPassword?: string }).privateKeyPassword;
      return { bootstrap: target.bootstrap, tls: { ...tls, cert, key, ...(passphrase && { passphrase }) } };
    }
  }
}

/** A PEM field of a certificate secret (`{"certificate": …}`, `{"certificate", "privateKey"}`). */
function certificateField(secretArn: string, text: string, field: string): string {
  let value: unknown;
  try {
    value = (JSON.parse(text) as Record<string, unknown>)[field];
  } catch {
    throw new KafkaSecretError(secretArn, `is not JSON; store {"${field}": "-----BEGIN …"}`);
  }
  if (typeof value !== 'string' || !value.includes('-----BEGIN')) {
    throw new KafkaSecretError(
      secretArn,
      `needs a PEM string field "${field}" (the shape Lambda's Kafka event source reads)`,
    );
  }
  return value;
}

function secretsManagerReader(region: string): SecretReader {
  const client = new SecretsManagerClient({ region });
  return async (secretArn) => {
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return out.SecretString ?? Buffer.from(out.SecretBinary ?? []).toString('utf8');
    } catch (err) {
      throw new KafkaSecretError(secretArn, `GetSecretValue failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
}
