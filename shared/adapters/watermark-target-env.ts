import { HANDLER_ENV } from '../config.js';
import { ConfigurationError, optionalString, requireString } from './env.js';

/** How the idle flush signs in to Kafka (always over TLS); the names the CDK app writes. */
export const KAFKA_PRODUCER_AUTH = ['aws-msk-iam', 'scram-sha-256', 'scram-sha-512', 'mtls'] as const;
export type KafkaProducerAuth = (typeof KAFKA_PRODUCER_AUTH)[number];

/**
 * Where the idle flush puts its watermark marks, as the CDK app configures the deployed function
 * (infra/constructs/handler-environment.ts): the Kinesis tick stream, or, with a Kafka source, the
 * topic with its brokers, sign-in mechanism and the Secrets Manager secrets that mechanism reads.
 */
export type WatermarkTarget =
  | { readonly kind: 'kinesis'; readonly stream: string }
  | {
      readonly kind: 'kafka';
      readonly topic: string;
      /** `host:port[,host:port…]`. */
      readonly bootstrap: string;
      readonly auth: KafkaProducerAuth;
      /** SASL credentials or the mTLS client certificate; absent with `aws-msk-iam`. */
      readonly secretArn?: string;
      /** The brokers' private root CA; absent = the public CAs. */
      readonly rootCaSecretArn?: string;
    };

/** The watermark target of the environment; throws a {@link ConfigurationError} naming the variable. */
export function watermarkTargetFromEnv(env: NodeJS.ProcessEnv = process.env): WatermarkTarget {
  const topic = optionalString(env, HANDLER_ENV.kafkaTopic);
  if (topic === undefined) return { kind: 'kinesis', stream: requireString(env, HANDLER_ENV.tickStream) };
  const auth = requireString(env, HANDLER_ENV.kafkaAuth);
  if (!KAFKA_PRODUCER_AUTH.includes(auth as KafkaProducerAuth)) {
    throw new ConfigurationError(
      HANDLER_ENV.kafkaAuth,
      `must be one of ${KAFKA_PRODUCER_AUTH.join(', ')}, got "${auth}"`,
    );
  }
  const secretArn = auth === 'aws-msk-iam' ? undefined : requireString(env, HANDLER_ENV.kafkaSecretArn);
  const rootCaSecretArn = optionalString(env, HANDLER_ENV.kafkaRootCaSecretArn);
  return {
    kind: 'kafka',
    topic,
    bootstrap: requireString(env, HANDLER_ENV.kafkaBootstrap),
    auth: auth as KafkaProducerAuth,
    ...(secretArn && { secretArn }),
    ...(rootCaSecretArn && { rootCaSecretArn }),
  };
}
