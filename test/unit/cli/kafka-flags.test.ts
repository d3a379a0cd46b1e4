import { describe, expect, it } from 'vitest';
import {
  checkKafkaFlags,
  type KafkaFlags,
  kafkaConnectionFromFlags,
} from '../../../cli/commands/kafka-flags.js';
import { UsageError } from '../../../cli/options.js';

const dest = { kafka: 'b-1.example:9096', topic: 'ticks' };

describe('Kafka flags of produce', () => {
  it.each<[string, KafkaFlags, RegExp]>([
    [
      'a connection flag without --kafka',
      { kafkaTls: true },
      /--kafka-tls goes with --kafka HOST:PORT --topic NAME/,
    ],
    ['--kafka without --topic', { kafka: 'h:9092' }, /--kafka needs --topic NAME/],
    [
      'a bootstrap server without a port',
      { kafka: 'b-1:9092,b-2', topic: 't' },
      /--kafka: expected host:port\[,host:port…\]/,
    ],
    ['credentials without a mechanism', { ...dest, kafkaUsername: 'u' }, /add --kafka-sasl scram-sha-512/],
    ['a secret without a mechanism', { ...dest, kafkaSecret: 'arn:x' }, /add --kafka-sasl/],
    [
      'SCRAM without credentials',
      { ...dest, kafkaSasl: 'scram-sha-512' },
      /needs credentials: --kafka-username NAME and KAFKA_PASSWORD/,
    ],
    [
      'SCRAM without a password',
      { ...dest, kafkaSasl: 'scram-sha-256', kafkaUsername: 'u' },
      /needs credentials/,
    ],
    [
      'both a secret and a username',
      { ...dest, kafkaSasl: 'plain', kafkaSecret: 'arn:x', kafkaUsername: 'u' },
      /give the credentials once/,
    ],
    [
      'IAM with a username',
      { ...dest, kafkaSasl: 'aws-msk-iam', kafkaUsername: 'u', region: 'eu-west-1' },
      /drop --kafka-username/,
    ],
    [
      'IAM without a region',
      { ...dest, kafkaSasl: 'aws-msk-iam' },
      /needs the cluster’s region: --region or AWS_REGION/,
    ],
  ])('%s is a usage error that says what to do', (_, flags, message) => {
    expect(() => checkKafkaFlags(flags, {})).toThrow(UsageError);
    expect(() => checkKafkaFlags(flags, {})).toThrow(message);
  });

  it('Kinesis runs ignore KAFKA_PASSWORD in the environment', () => {
    expect(() => checkKafkaFlags({}, { KAFKA_PASSWORD: 'x', KAFKA_USERNAME: 'u' })).not.toThrow();
  });

  it('the password and username come from the environment when the flags leave them out', async () => {
    const connection = await kafkaConnectionFromFlags(
      { ...dest, kafkaTls: true, kafkaSasl: 'scram-sha-512' },
      () => {},
      { KAFKA_USERNAME: 'u', KAFKA_PASSWORD: 'p' },
    );
    expect(connection).toEqual({
      bootstrap: dest.kafka,
      tls: {},
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    });
  });

  it('AWS MSK IAM turns TLS on (MSK’s IAM listener is TLS only) and takes the region from AWS_REGION', async () => {
    const connection = await kafkaConnectionFromFlags({ ...dest, kafkaSasl: 'aws-msk-iam' }, () => {}, {
      AWS_REGION: 'eu-central-1',
    });
    expect(connection).toEqual({
      bootstrap: dest.kafka,
      tls: {},
      sasl: { mechanism: 'aws-msk-iam', region: 'eu-central-1' },
    });
  });

  it('a CA file that is missing or not PEM is a usage error naming it', async () => {
    await expect(kafkaConnectionFromFlags({ ...dest, kafkaCa: '/no/such/ca.pem' }, () => {})).rejects.toThrow(
      /--kafka-ca \/no\/such\/ca\.pem: ENOENT/,
    );
    await expect(kafkaConnectionFromFlags({ ...dest, kafkaCa: __filename }, () => {})).rejects.toThrow(
      /expected PEM certificates/,
    );
  });
});
