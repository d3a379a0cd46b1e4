import {
  type GenerateAuthTokenFromCredentialOptions,
  type GenerateAuthTokenResponse,
  generateAuthToken,
  generateAuthTokenFromCredentialsProvider,
} from 'aws-msk-iam-sasl-signer-js';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/**
 * How a client reaches a Kafka cluster: the bootstrap servers, TLS, and SASL. Plaintext without
 * SASL is the local broker's; a real cluster takes TLS with SASL/SCRAM (self-managed Kafka, MSK with
 * SCRAM), SASL/PLAIN, or AWS MSK IAM (SASL OAUTHBEARER with a SigV4-signed token).
 */
export interface KafkaConnection {
  /** `host:port[,host:port…]`. */
  readonly bootstrap: string;
  /**
   * TLS to the brokers; `ca` (PEM) replaces Node's trusted authorities, for a private CA; `cert` and
   * `key` (PEM, `passphrase` if the key is encrypted) authenticate the client (mTLS).
   */
  readonly tls?: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly passphrase?: string;
  };
  readonly sasl?: KafkaSasl;
}

type AwsCredentialIdentityProvider = GenerateAuthTokenFromCredentialOptions['awsCredentialsProvider'];

/** Username and password mechanisms, as Lambda's self-managed Kafka event source names them too. */
export type KafkaPasswordMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'aws-msk-iam'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

export type KafkaSasl =
  | { readonly mechanism: KafkaPasswordMechanism; readonly username: string; readonly password: string }
  | {
      readonly mechanism: 'aws-msk-iam';
      /** The cluster's region: the token is signed for `kafka.<region>.amazonaws.com`. */
      readonly region: string;
      /** @default the SDK's default credential chain */
      readonly credentials?: AwsCredentialIdentityProvider;
    };

/** The kafkajs client settings for `connection`. */
export function kafkaClientConfig(connection: KafkaConnection, clientId: string): KafkaConfig {
  const { tls, sasl } = connection;
  return {
    clientId,
    brokers: connection.bootstrap
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== ''),
    ...(tls && { ssl: tls.ca || tls.cert ? { ...tls, ...(tls.ca && { ca: [tls.ca] }) } : true }),
    ...(sasl && { sasl: saslOptions(sasl) }),
  };
}

function saslOptions(sasl: KafkaSasl): SASLOptions {
  if (sasl.mechanism !== 'aws-msk-iam') return sasl;
  return {
    mechanism: 'oauthbearer',
    // kafkajs asks again on every (re)connection; a token lives 15 minutes.
    oauthBearerProvider: async () => ({ value: (await mskIamToken(sasl.region, sasl.credentials)).token }),
  };
}

/**
 * An MSK IAM token (AWS's signer): a presigned `kafka-cluster:Connect` URL for the region, base64url.
 * With `credentials`, signed with those; otherwise with the SDK's default credential chain.
 */
export function mskIamToken(
  region: string,
  credentials?: AwsCredentialIdentityProvider,
): Promise<GenerateAuthTokenResponse> {
  return credentials
    ? generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: credentials })
    : generateAuthToken({ region });
}
