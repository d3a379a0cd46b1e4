import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/adapters/env.js';
import { watermarkTargetFromEnv } from '../../../shared/adapters/watermark-target-env.js';
import { HANDLER_ENV } from '../../../shared/config.js';

const KAFKA = {
  [HANDLER_ENV.kafkaTopic]: 'ticks',
  [HANDLER_ENV.kafkaBootstrap]: 'b-1:9096,b-2:9096',
  [HANDLER_ENV.kafkaAuth]: 'scram-sha-256',
  [HANDLER_ENV.kafkaSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf',
};

describe('the idle flush reads where its watermark marks go', () => {
  it('puts them on the tick stream when no Kafka topic is set', () => {
    expect(watermarkTargetFromEnv({ [HANDLER_ENV.tickStream]: 'tf-ticks' })).toEqual({
      kind: 'kinesis',
      stream: 'tf-ticks',
    });
  });

  it('puts them on the Kafka topic with its brokers, mechanism and secret when the topic is set', () => {
    expect(watermarkTargetFromEnv(KAFKA)).toEqual({
      kind: 'kafka',
      topic: 'ticks',
      bootstrap: 'b-1:9096,b-2:9096',
      auth: 'scram-sha-256',
      secretArn: KAFKA[HANDLER_ENV.kafkaSecretArn],
    });
  });

  it('fails at cold start, naming the variable, on a missing stream, an unknown mechanism or a missing secret', () => {
    expect(() => watermarkTargetFromEnv({})).toThrow(
      new ConfigurationError(HANDLER_ENV.tickStream, 'is required'),
    );
    expect(() => watermarkTargetFromEnv({ ...KAFKA, [HANDLER_ENV.kafkaAuth]: 'plain' })).toThrow(
      /TICKFLOW_KAFKA_AUTH must be one of/,
    );
    expect(() => watermarkTargetFromEnv({ ...KAFKA, [HANDLER_ENV.kafkaSecretArn]: '' })).toThrow(
      /TICKFLOW_KAFKA_SECRET_ARN is required/,
    );
  });
});
