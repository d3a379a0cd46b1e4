/**
 * The contract between the stack and the handlers: what the CDK app writes into a function's
 * environment is exactly what `servingConfigFromEnv` turns into a serving-store config, and every value
 * it cannot use fails at cold start with the variable's name.
 */
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ServingStore } from '../../infra/constructs/serving-store.js';
import { ConfigurationError } from '../../shared/adapters/env.js';
import { SERVING_ENV, servingConfigFromEnv } from '../../shared/adapters/serving/env.js';
import { throwawayStack } from './support.js';

/** The environment the construct hands a function, tokens resolved as CloudFormation would. */
function environmentOf(keyspaceName?: string): Record<string, string> {
  const stack = throwawayStack();
  const env = new ServingStore(stack, 'Serving', { keyspaceName }).environment();
  return Stack.of(stack).resolve(env) as Record<string, string>;
}

const failure = (env: NodeJS.ProcessEnv): ConfigurationError => {
  try {
    servingConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError, nothing was thrown');
};

describe('serving-store environment', () => {
  it('reads what the stack sets as Keyspaces in the function region, with the configured keyspace', () => {
    const env = { ...environmentOf('bars_dev'), AWS_REGION: 'eu-west-1' };
    expect(servingConfigFromEnv(env)).toEqual({
      kind: 'keyspaces',
      region: 'eu-west-1',
      keyspace: 'bars_dev',
    });
  });

  it('means no serving store when the variable is absent or off', () => {
    expect(servingConfigFromEnv({})).toBeUndefined();
    expect(servingConfigFromEnv({ [SERVING_ENV.kind]: 'off', AWS_REGION: 'eu-west-1' })).toBeUndefined();
  });

  it('takes an endpoint and port override for Keyspaces (VPC endpoint, LocalStack)', () => {
    const env = {
      [SERVING_ENV.kind]: 'keyspaces',
      AWS_REGION: 'us-east-1',
      [SERVING_ENV.endpoint]: 'localhost.localstack.cloud',
      [SERVING_ENV.port]: '4510',
    };
    expect(servingConfigFromEnv(env)).toEqual({
      kind: 'keyspaces',
      region: 'us-east-1',
      endpoint: 'localhost.localstack.cloud',
      port: 4510,
    });
  });

  it('reads a plain Cassandra from its contact points', () => {
    const env = {
      [SERVING_ENV.kind]: 'cassandra',
      [SERVING_ENV.contactPoints]: '127.0.0.1:9042, cassandra-2:9042',
      [SERVING_ENV.localDataCenter]: 'dc1',
    };
    expect(servingConfigFromEnv(env)).toEqual({
      kind: 'local',
      contactPoints: ['127.0.0.1:9042', 'cassandra-2:9042'],
      localDataCenter: 'dc1',
    });
  });

  it('refuses an unknown kind, naming the variable and the choices', () => {
    const error = failure({ [SERVING_ENV.kind]: 'dynamo' });
    expect(error.variable).toBe(SERVING_ENV.kind);
    expect(error.message).toMatch(/keyspaces, cassandra, off/);
  });

  it('refuses Keyspaces without a region', () => {
    expect(failure({ [SERVING_ENV.kind]: 'keyspaces' }).variable).toBe('AWS_REGION');
  });

  it('refuses a keyspace that is not a CQL identifier', () => {
    const env = {
      [SERVING_ENV.kind]: 'keyspaces',
      AWS_REGION: 'eu-west-1',
      [SERVING_ENV.keyspace]: 'tick-flow',
    };
    expect(failure(env).variable).toBe(SERVING_ENV.keyspace);
  });

  it('refuses a port outside 1..65535 or not an integer', () => {
    const base = { [SERVING_ENV.kind]: 'keyspaces', AWS_REGION: 'eu-west-1' };
    expect(failure({ ...base, [SERVING_ENV.port]: '70000' }).variable).toBe(SERVING_ENV.port);
    expect(failure({ ...base, [SERVING_ENV.port]: '91.42' }).variable).toBe(SERVING_ENV.port);
  });

  it('refuses Cassandra without contact points, or with a malformed one', () => {
    expect(failure({ [SERVING_ENV.kind]: 'cassandra' }).variable).toBe(SERVING_ENV.contactPoints);
    const bad = { [SERVING_ENV.kind]: 'cassandra', [SERVING_ENV.contactPoints]: '127.0.0.1:90x' };
    expect(failure(bad).variable).toBe(SERVING_ENV.contactPoints);
  });
});
