import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { ServingStore } from '../../infra/constructs/serving-store.js';
import { InvalidPropsError } from '../../infra/errors.js';

function stack(): Stack {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
}

describe('ServingStore construct (Amazon Keyspaces)', () => {
  it('creates keyspace tickflow and table bars keyed ((symbol, interval, day), window_start DESC)', () => {
    const s = stack();
    new ServingStore(s, 'Serving');
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::Cassandra::Keyspace', { KeyspaceName: 'tickflow' });
    t.hasResourceProperties('AWS::Cassandra::Table', {
      KeyspaceName: 'tickflow',
      TableName: 'bars',
      PartitionKeyColumns: [
        { ColumnName: 'symbol', ColumnType: 'text' },
        { ColumnName: 'interval', ColumnType: 'text' },
        { ColumnName: 'day', ColumnType: 'date' },
      ],
      ClusteringKeyColumns: [
        { Column: { ColumnName: 'window_start', ColumnType: 'timestamp' }, OrderBy: 'DESC' },
      ],
      RegularColumns: Match.arrayWith([
        { ColumnName: 'vwap', ColumnType: 'double' },
        { ColumnName: 'trade_count', ColumnType: 'int' },
        { ColumnName: 'is_final', ColumnType: 'boolean' },
      ]),
    });
  });

  it('is on-demand, has point-in-time recovery, TTL on (30-day default) and an AWS-owned key by default', () => {
    const s = stack();
    new ServingStore(s, 'Serving');
    Template.fromStack(s).hasResourceProperties('AWS::Cassandra::Table', {
      BillingMode: { Mode: 'ON_DEMAND' },
      PointInTimeRecoveryEnabled: true,
      DefaultTimeToLive: 2_592_000,
      EncryptionSpecification: { EncryptionType: 'AWS_OWNED_KMS_KEY' },
    });
    Template.fromStack(s).hasResource('AWS::Cassandra::Table', {
      DeletionPolicy: 'Retain',
      DependsOn: Match.anyValue(),
    });
  });

  it('uses a customer-managed key when given one', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    new ServingStore(s, 'Serving', { encryptionKey: key, defaultTimeToLiveSeconds: 3600 });
    Template.fromStack(s).hasResourceProperties('AWS::Cassandra::Table', {
      DefaultTimeToLive: 3600,
      EncryptionSpecification: {
        EncryptionType: 'CUSTOMER_MANAGED_KMS_KEY',
        KmsKeyIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      },
    });
  });

  it('grantWrite gives Modify and Select on exactly the bars table, and Select on the system keyspaces and tables', () => {
    const s = stack();
    const store = new ServingStore(s, 'Serving');
    const role = new iam.Role(s, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    store.grantWrite(role);
    const arn = (resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cassandra:eu-west-1:123456789012:${resource}`]],
    });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['cassandra:Modify', 'cassandra:Select'],
            Effect: 'Allow',
            Resource: arn('/keyspace/tickflow/table/bars'),
          },
          // The system keyspaces and their tables (a table ARN is …/keyspace/K/table/T).
          {
            Action: 'cassandra:Select',
            Effect: 'Allow',
            Resource: [arn('/keyspace/system*/'), arn('/keyspace/system*/table/*')],
          },
        ],
      },
    });
  });

  it('rejects a keyspace name that is not a CQL identifier', () => {
    expect(() => new ServingStore(stack(), 'Serving', { keyspaceName: 'tick-flow' })).toThrow(
      InvalidPropsError,
    );
  });

  it('rejects a default TTL of 0 (per-interval USING TTL needs TTL on) or above 10 years', () => {
    expect(() => new ServingStore(stack(), 'A', { defaultTimeToLiveSeconds: 0 })).toThrow(
      /defaultTimeToLiveSeconds/,
    );
    expect(() => new ServingStore(stack(), 'B', { defaultTimeToLiveSeconds: 630_720_001 })).toThrow(
      InvalidPropsError,
    );
  });
});
