import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { storeConfig } from '../../../cli/commands/bars.js';

describe('tickflow bars: where it reads', () => {
  it("reads a deployed environment's keyspace on Keyspaces (tickflow_dev for the dev file)", () => {
    expect(
      storeConfig({
        keyspaces: true,
        keyspace: 'tickflow_dev',
        region: 'eu-west-1',
        contactPoint: '127.0.0.1:9042',
      }),
    ).toEqual({ kind: 'keyspaces', region: 'eu-west-1', keyspace: 'tickflow_dev' });
  });

  it('reads the local Cassandra at the contact point, in the keyspace given', () => {
    expect(storeConfig({ keyspace: 'tickflow', contactPoint: '127.0.0.1:9142' })).toEqual({
      kind: 'local',
      contactPoints: ['127.0.0.1:9142'],
      keyspace: 'tickflow',
    });
  });

  it('--keyspaces without a region says to give one', () => {
    expect(() => storeConfig({ keyspaces: true, keyspace: 'tickflow', contactPoint: 'x:1' })).toThrow(
      new InvalidArgumentError('--keyspaces needs --region (or AWS_REGION)'),
    );
  });
});
