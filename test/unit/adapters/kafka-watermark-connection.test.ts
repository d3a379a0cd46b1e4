/**
 * The connection the deployed idle flush produces over, built from its environment's target and the
 * secrets in the shapes Lambda's Kafka event source reads. Secrets Manager cannot run here: the
 * secrets come from an in-memory reader standing in for GetSecretValue.
 */
import { describe, expect, it } from 'vitest';
import { kafkaClientConfig } from '../../../shared/adapters/kafka/connection.js';
import { KafkaSecretError } from '../../../shared/adapters/kafka/secret.js';
import { watermarkConnection } from '../../../shared/adapters/kafka/watermark-connection.js';

const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
const SECRETS: Record<string, string> = {
  scram: JSON.stringify({ username: 'flush', password: 'pw' }),
  client: JSON.stringify({ certificate: PEM('CERTIFICATE'), privateKey: PEM('PRIVATE KEY') }),
  ca: JSON.stringify({ certificate: PEM('CERTIFICATE') }),
  broken: '{"certificate": 42}',
};
const read = async (arn: string) => {
  const text = SECRETS[arn];
  if (text === undefined) throw new Error(`no secret ${arn}`);
  return text;
};
const target = { kind: 'kafka', topic: 'ticks', bootstrap: 'b-1:9096,b-2:9096' } as const;

describe('the idle flush connects where its environment says, as Lambda does', () => {
  it('MSK IAM: TLS and OAUTHBEARER signed for the function’s region, no secret read', async () => {
    const c = await watermarkConnection({ ...target, auth: 'aws-msk-iam' }, 'eu-west-1', read);
    expect(c).toEqual({
      bootstrap: 'b-1:9096,b-2:9096',
      tls: {},
      sasl: { mechanism: 'aws-msk-iam', region: 'eu-west-1' },
    });
    expect(kafkaClientConfig(c, 't')).toMatchObject({ ssl: true, sasl: { mechanism: 'oauthbearer' } });
  });

  it('SASL/SCRAM: TLS with the private CA of the root CA secret, credentials from the secret', async () => {
    const c = await watermarkConnection(
      { ...target, auth: 'scram-sha-512', secretArn: 'scram', rootCaSecretArn: 'ca' },
      'eu-west-1',
      read,
    );
    expect(c).toEqual({
      bootstrap: 'b-1:9096,b-2:9096',
      tls: { ca: PEM('CERTIFICATE') },
      sasl: { mechanism: 'scram-sha-512', username: 'flush', password: 'pw' },
    });
    expect(kafkaClientConfig(c, 't')).toMatchObject({ ssl: { ca: [PEM('CERTIFICATE')] } });
  });

  it('mTLS: the client certificate and key of the secret, no SASL', async () => {
    const c = await watermarkConnection({ ...target, auth: 'mtls', secretArn: 'client' }, 'eu-west-1', read);
    expect(c).toEqual({
      bootstrap: target.bootstrap,
      tls: { cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') },
    });
    expect(kafkaClientConfig(c, 't').ssl).toEqual({ cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') });
  });

  it('a secret of the wrong shape fails with the secret named and what it needs', async () => {
    await expect(
      watermarkConnection({ ...target, auth: 'mtls', secretArn: 'broken' }, 'eu-west-1', read),
    ).rejects.toThrow(
      new KafkaSecretError(
        'broken',
        'needs a PEM string field "certificate" (the shape Lambda\'s Kafka event source reads)',
      ),
    );
    await expect(
      watermarkConnection({ ...target, auth: 'scram-sha-256', secretArn: 'client' }, 'eu-west-1', read),
    ).rejects.toThrow(/needs non-empty string fields "username" and "password"/);
  });
});
