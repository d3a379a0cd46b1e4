/**
 * The AWS MSK IAM token is what MSK's IAM listener checks; MSK cannot run here, so the token is
 * checked for its documented shape: a base64url SigV4-presigned GET of
 * `https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect` (aws-msk-iam-sasl-signer-js).
 */
import { describe, expect, it } from 'vitest';
import { kafkaClientConfig, mskIamToken } from '../../../shared/adapters/kafka/connection.js';
import { KafkaSecretError, parseKafkaSecret } from '../../../shared/adapters/kafka/secret.js';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  sessionToken: 'session',
});

describe('AWS MSK IAM', () => {
  it('the token is a presigned kafka-cluster:Connect URL for the region, signed with the given credentials', async () => {
    const before = Date.now();
    const { token, expiryTime } = await mskIamToken('eu-west-1', credentials);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(url.origin).toBe('https://kafka.eu-west-1.amazonaws.com');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('kafka-cluster:Connect');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/);
    expect(q.get('X-Amz-Security-Token')).toBe('session');
    expect(q.get('X-Amz-Expires')).toBe('900');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(expiryTime).toBeGreaterThan(before + 14 * 60_000);
  });

  it('the kafkajs client authenticates with OAUTHBEARER, the provider handing out a fresh token', async () => {
    const config = kafkaClientConfig(
      {
        bootstrap: 'b-1:9098,b-2:9098',
        tls: {},
        sasl: { mechanism: 'aws-msk-iam', region: 'us-east-1', credentials },
      },
      'test',
    );
    expect(config.brokers).toEqual(['b-1:9098', 'b-2:9098']);
    expect(config.ssl).toBe(true);
    const sasl = config.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).toBe('oauthbearer');
    const url = new URL(Buffer.from((await sasl.oauthBearerProvider()).value, 'base64url').toString());
    expect(url.hostname).toBe('kafka.us-east-1.amazonaws.com');
  });
});

describe('Kafka credentials secret', () => {
  it('reads the {"username","password"} object Lambda’s Kafka event source reads', () => {
    expect(parseKafkaSecret('s', '{"username":"u","password":"p"}')).toEqual({
      username: 'u',
      password: 'p',
    });
  });

  it.each(['not json', '{"username":"u"}', '{"user":"u","password":"p"}', 'null'])(
    'a secret of another shape is an error that names the fields and not the password (%s)',
    (text) => {
      expect(() => parseKafkaSecret('arn:s', text)).toThrow(KafkaSecretError);
      expect(() => parseKafkaSecret('arn:s', text)).toThrow(/"username".*"password"/);
    },
  );
});
