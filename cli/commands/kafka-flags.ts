import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import {
  KAFKA_SASL_MECHANISMS,
  type KafkaConnection,
  type KafkaSaslMechanism,
} from '../../shared/adapters/kafka/connection.js';
import { readKafkaSecret } from '../../shared/adapters/kafka/secret.js';
import { UsageError } from '../options.js';

/** The Kafka connection flags of `tickflow produce`, as parsed. */
export interface KafkaFlags {
  kafka?: string;
  topic?: string;
  kafkaTls?: boolean;
  kafkaCa?: string;
  kafkaSasl?: KafkaSaslMechanism;
  kafkaUsername?: string;
  kafkaPassword?: string;
  kafkaSecret?: string;
  region?: string;
}

/** Adds the Kafka destination and connection flags. */
export function addKafkaFlags(command: Command): Command {
  return command
    .option('--kafka <bootstrap>', 'Kafka bootstrap servers host:port[,host:port…], with --topic')
    .option('--topic <name>', 'Kafka topic (with --kafka)')
    .option('--kafka-tls', 'TLS to the brokers (MSK: port 9094 TLS, 9096 SCRAM, 9098 IAM)')
    .addOption(
      new Option(
        '--kafka-ca <file>',
        'PEM file of the CA that signed the brokers’ certificates (implies --kafka-tls)',
      ),
    )
    .addOption(
      new Option(
        '--kafka-sasl <mechanism>',
        'SASL mechanism; aws-msk-iam signs with your AWS credentials',
      ).choices(KAFKA_SASL_MECHANISMS),
    )
    .option('--kafka-username <name>', 'SASL username (default: KAFKA_USERNAME)')
    .option(
      '--kafka-password <password>',
      'SASL password (default: KAFKA_PASSWORD; prefer it, a flag shows in ps)',
    )
    .option(
      '--kafka-secret <arn>',
      'Secrets Manager secret {"username","password"} (the one Lambda’s Kafka event source reads)',
    );
}

/**
 * Checks the Kafka flags together, before anything connects; throws a {@link UsageError} that says
 * what to add or drop. Returns nothing: {@link kafkaConnectionFromFlags} reads files and secrets.
 */
export function checkKafkaFlags(f: KafkaFlags, env: NodeJS.ProcessEnv = process.env): void {
  const set = (
    [
      ['--kafka-tls', f.kafkaTls],
      ['--kafka-ca', f.kafkaCa],
      ['--kafka-sasl', f.kafkaSasl],
      ['--kafka-username', f.kafkaUsername],
      ['--kafka-password', f.kafkaPassword],
      ['--kafka-secret', f.kafkaSecret],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (!f.kafka) {
    if (set.length > 0) throw new UsageError(`${set[0]![0]} goes with --kafka HOST:PORT --topic NAME`);
    return;
  }
  if (!f.topic) throw new UsageError('--kafka needs --topic NAME');
  const servers = f.kafka.split(',').map((b) => b.trim());
  if (servers.some((b) => !/^[^\s:,]+:\d{1,5}$/.test(b)))
    throw new UsageError(`--kafka: expected host:port[,host:port…], got "${f.kafka}"`);
  const credentials = f.kafkaUsername !== undefined || f.kafkaPassword !== undefined;
  if (!f.kafkaSasl) {
    if (credentials || f.kafkaSecret)
      throw new UsageError(
        'credentials need a mechanism: add --kafka-sasl scram-sha-512 (or scram-sha-256, plain)',
      );
    return;
  }
  if (f.kafkaSasl === 'aws-msk-iam') {
    if (credentials || f.kafkaSecret)
      throw new UsageError(
        '--kafka-sasl aws-msk-iam signs with your AWS credentials (profile, role, environment): drop --kafka-username, --kafka-password and --kafka-secret',
      );
    if (!(f.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION))
      throw new UsageError('--kafka-sasl aws-msk-iam needs the cluster’s region: --region or AWS_REGION');
    return;
  }
  if (f.kafkaSecret && credentials)
    throw new UsageError(
      'give the credentials once: --kafka-secret ARN, or --kafka-username with KAFKA_PASSWORD',
    );
  const { username, password } = passwordCredentials(f, env);
  if (!f.kafkaSecret && !(username && password))
    throw new UsageError(
      `--kafka-sasl ${f.kafkaSasl} needs credentials: --kafka-username NAME and KAFKA_PASSWORD (or --kafka-password), or --kafka-secret ARN`,
    );
}

/**
 * The connection the flags describe: the CA file read, the secret fetched. SASL/PLAIN without TLS
 * sends the password in clear; that is allowed (a SASL_PLAINTEXT listener) but `warn` says so.
 */
export async function kafkaConnectionFromFlags(
  f: KafkaFlags & { kafka: string },
  warn: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KafkaConnection> {
  checkKafkaFlags(f, env);
  const mechanism = f.kafkaSasl;
  const iam = mechanism === 'aws-msk-iam';
  let tls: KafkaConnection['tls'];
  if (f.kafkaCa) {
    try {
      tls = { ca: await readFile(f.kafkaCa, 'utf8') };
    } catch (err) {
      throw new UsageError(`--kafka-ca ${f.kafkaCa}: ${(err as Error).message}`);
    }
    if (!tls.ca!.includes('-----BEGIN CERTIFICATE-----'))
      throw new UsageError(
        `--kafka-ca ${f.kafkaCa}: expected PEM certificates (-----BEGIN CERTIFICATE-----)`,
      );
  } else if (f.kafkaTls || iam) {
    // MSK's IAM listener is TLS only.
    tls = {};
  }
  const region = f.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  let sasl: KafkaConnection['sasl'];
  if (mechanism === 'aws-msk-iam') {
    sasl = { mechanism, region: region! };
  } else if (mechanism) {
    const { username, password } = f.kafkaSecret
      ? await readKafkaSecret(f.kafkaSecret, region ? { region } : {})
      : (passwordCredentials(f, env) as { username: string; password: string });
    sasl = { mechanism, username, password };
    if (mechanism === 'plain' && !tls)
      warn('warning: --kafka-sasl plain without --kafka-tls sends the password in clear\n');
  }
  return { bootstrap: f.kafka, ...(tls && { tls }), ...(sasl && { sasl }) };
}

/** Username and password from the flags, else from `KAFKA_USERNAME` and `KAFKA_PASSWORD`. */
function passwordCredentials(f: KafkaFlags, env: NodeJS.ProcessEnv) {
  return { username: f.kafkaUsername ?? env.KAFKA_USERNAME, password: f.kafkaPassword ?? env.KAFKA_PASSWORD };
}
