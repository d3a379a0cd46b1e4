import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, HANDLER_ENV, resolveConfig } from '../../infra/config.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { resourceNames, TABLE_KEYS } from '../../shared/config.js';
import { AGGREGATOR_METRICS, metricsNamespace } from '../../shared/metrics.js';
import { isAllowed, statementsOfPolicies } from './iam-eval.js';
import { handlerCodeForTests, templateApp } from './support.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function synthStack(config = DEFAULT_CONFIG): Template {
  const app = templateApp();
  const stack = new TickflowStack(app, 'Tickflow', {
    env: { account: '123456789012', region: 'eu-west-1' },
    config,
    handlerCode: handlerCodeForTests(),
  });
  return Template.fromStack(stack);
}

function statementsOf(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

function policyOfFunction(template: Template, servicePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const entry = Object.entries(policies).find(([id]) => id.startsWith(servicePrefix));
  if (!entry) throw new Error(`no policy for ${servicePrefix}`);
  return (entry[1] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
    .PolicyDocument.Statement;
}

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('TickflowStack with the default config', () => {
  let template: Template;
  const names = resourceNames(DEFAULT_CONFIG.prefix);
  beforeAll(() => {
    template = synthStack();
  });

  it('creates one KMS-encrypted tick stream with the configured shard count', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: names.tickStream,
      ShardCount: DEFAULT_CONFIG.stream.shards,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() },
    });
  });

  it('deletes the stream with the stack (a buffer whose shards would otherwise bill on), and keeps its key', () => {
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  it('maps both consumers with bisect, partial-batch failures, bounded retries and an S3 on-failure destination', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: DEFAULT_CONFIG.consumer.batchSize,
      MaximumBatchingWindowInSeconds: DEFAULT_CONFIG.consumer.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: DEFAULT_CONFIG.consumer.maxRetryAttempts,
      MaximumRecordAgeInSeconds: DEFAULT_CONFIG.consumer.maxRecordAgeSeconds,
      ParallelizationFactor: DEFAULT_CONFIG.consumer.parallelizationFactor,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedBatchesBucket'), 'Arn'] } },
      },
    });
  });

  it('keeps failed batches whole in an encrypted, TLS-only, private bucket the consumers may only write to', () => {
    const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) =>
      id.startsWith('FailedBatchesBucket'),
    );
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // A batch written there alarms (the EventBridge rule matching its Object Created event).
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Threshold: DEFAULT_CONFIG.alarms.failedBatches,
    });
    // Lambda writes the failed batch with the function's role: each consumer may put objects there.
    for (const consumer of ['AggregatorHandler', 'BronzeHandler']) {
      const writes = statementsOfPolicies(template, consumer).filter(
        (st) =>
          JSON.stringify(st.Resource).includes(bucketId!) &&
          JSON.stringify(st.Action).includes('s3:PutObject'),
      );
      expect(writes.length, consumer).toBeGreaterThan(0);
    }
  });

  it('runs the aggregator on Node 22 arm64 with table and engine settings in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          [HANDLER_ENV.stateTable]: { Ref: Match.stringLikeRegexp('StateTable') },
          [HANDLER_ENV.seenIdsTable]: { Ref: Match.stringLikeRegexp('SeenIdsTable') },
          [HANDLER_ENV.outputTable]: { Ref: Match.stringLikeRegexp('OutputTable') },
          [HANDLER_ENV.intervals]: DEFAULT_CONFIG.intervals.join(','),
          [HANDLER_ENV.allowedLatenessMs]: String(DEFAULT_CONFIG.allowedLatenessMs),
          // The horizon follows the lateness by default.
          [HANDLER_ENV.dedupHorizonMs]: String(DEFAULT_CONFIG.allowedLatenessMs),
          [HANDLER_ENV.metricsNamespace]: metricsNamespace(DEFAULT_CONFIG.prefix),
          [HANDLER_ENV.serviceName]: 'aggregator',
        }),
      },
    });
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // aggregator, bronze, materializer, compactor, preprocess prepare/features/finalize, backfill prepare/symbol
    expect(functions).toHaveLength(9);
    for (const fn of functions) {
      expect((fn as { Properties: { Runtime: string } }).Properties.Runtime).toBe('nodejs22.x');
    }
  });

  it('grants no wildcard actions and no data access on "*"', () => {
    const statements = statementsOf(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const action of actionsOf(statements)) {
      expect(action).not.toBe('*');
      expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
    }
    // Only X-Ray and CloudWatch Logs delivery (the state machine's tracing and logging) take no resource.
    const unscoped = statements.filter((s) => s.Resource === '*');
    expect(
      actionsOf(unscoped).filter(
        (a) => !/^(xray:|logs:.*(LogDelivery|LogDeliveries|ResourcePolic|LogGroups))/.test(a),
      ),
    ).toEqual([]);
    expect(actionsOf(statements)).not.toContain('dynamodb:GetRecords');
  });

  it('lets each function write only its own lake prefixes, and the aggregator none (the materializer writes its outputs)', () => {
    // Writes to the on-failure bucket are Lambda's (it writes a failed batch with the function's role).
    const s3Resources = (prefix: string) =>
      policyOfFunction(template, prefix)
        .filter((s) => !JSON.stringify(s.Resource).includes('FailedBatchesBucket'))
        .filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
        .map((r) => JSON.stringify(r).match(/"\/([a-z_/]+\/\*)"/)?.[1]);
    expect(s3Resources('Aggregator')).toEqual([]);
    const aggregatorS3 = policyOfFunction(template, 'Aggregator').filter(
      (s) => !JSON.stringify(s.Resource).includes('FailedBatchesBucket'),
    );
    expect(actionsOf(aggregatorS3).filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(s3Resources('Bronze')).toEqual(['staging/ticks/*', '_marks/*']);
    expect(s3Resources('Materializer').sort()).toEqual(['bars/*', 'late/*', 'quarantine/*']);
    expect(actionsOf(policyOfFunction(template, 'Bronze'))).not.toContain('dynamodb:PutItem');
    expect(actionsOf(policyOfFunction(template, 'Aggregator'))).not.toContain('dynamodb:Scan');
    expect(actionsOf(policyOfFunction(template, 'Materializer'))).toContain('dynamodb:Scan');
  });

  it('lets the materializer put the idle watermark marks on the tick stream, and no other function write to it', () => {
    expect(actionsOf(policyOfFunction(template, 'Materializer'))).toEqual(
      expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords']),
    );
    for (const fn of ['Aggregator', 'Bronze', 'Compactor']) {
      expect(actionsOf(policyOfFunction(template, fn))).not.toContain('kinesis:PutRecords');
    }
    const [materializer] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      id.startsWith('Materializer'),
    );
    const stream = Object.keys(template.findResources('AWS::Kinesis::Stream'))[0];
    expect(materializer?.[1].Properties.Environment.Variables.TICKFLOW_TICK_STREAM).toEqual({ Ref: stream });
  });

  it('keeps every bucket (lake, access logs, Athena results, failed batches) private, TLS-only and encrypted', () => {
    const buckets = Object.keys(template.findResources('AWS::S3::Bucket')).length;
    expect(buckets).toBe(4);
    template.resourcePropertiesCountIs(
      'AWS::S3::Bucket',
      {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: Match.anyValue() }],
        },
      },
      buckets,
    );
    template.resourcePropertiesCountIs(
      'AWS::S3::BucketPolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
      buckets,
    );
  });

  it('versions the lake, aborts incomplete uploads and logs access', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'lake/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
  });

  it('keys the tables as TABLE_KEYS says, on demand, with PITR and customer-managed encryption', () => {
    const common = {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    };
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: names.stateTable,
      KeySchema: [{ AttributeName: TABLE_KEYS.state.partitionKey, KeyType: 'HASH' }],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: names.seenIdsTable,
      KeySchema: [
        { AttributeName: TABLE_KEYS.seenIds.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.seenIds.sortKey, KeyType: 'RANGE' },
      ],
      // Log entries past their horizon are never read again; DynamoDB deletes them for free.
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.seenIds.ttlAttribute, Enabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: names.outputTable,
      KeySchema: [
        { AttributeName: TABLE_KEYS.outputs.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.outputs.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.outputs.ttlAttribute, Enabled: true },
    });
  });

  it('tells every handler that writes the outputs table its retention, so the TTL attribute is written', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const writers = Object.entries(functions).filter(([id]) => /^(Aggregator|Materializer)/.test(id));
    expect(writers).toHaveLength(2);
    for (const [id, fn] of writers) {
      const vars = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables;
      expect({ id, days: vars[HANDLER_ENV.outputsRetentionDays] }).toEqual({
        id,
        days: String(DEFAULT_CONFIG.outputsRetentionDays),
      });
    }
  });

  it('lets the aggregator make exactly the DynamoDB calls its state store makes, judged as IAM judges ARNs', () => {
    const env = { account: '123456789012', region: 'eu-west-1' };
    const table = (name: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`;
    const aggregator = statementsOfPolicies(template, 'AggregatorHandler');
    // What DynamoStateStore and DynamoOutputStore send, on the tables they send it to.
    const calls: [string, string][] = [
      ['dynamodb:BatchGetItem', names.stateTable],
      ['dynamodb:PutItem', names.stateTable],
      ['dynamodb:Query', names.seenIdsTable],
      ['dynamodb:BatchWriteItem', names.seenIdsTable],
      ['dynamodb:BatchWriteItem', names.outputTable],
    ];
    for (const [action, name] of calls) {
      expect(isAllowed(template, aggregator, action, table(name), env), `${action} ${name}`).toBe(true);
    }
    // Scans stay with the materializer's idle flush; the log is never scanned.
    expect(isAllowed(template, aggregator, 'dynamodb:Scan', table(names.stateTable), env)).toBe(false);
    expect(isAllowed(template, aggregator, 'dynamodb:Scan', table(names.seenIdsTable), env)).toBe(false);
  });

  it('alarms on iterator age, errors, throttles, failed batches, late ratio, duplicates and unusable states, notifying SNS', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    // 2 consumers × (iterator age, errors, throttles) + failed batches + (materializer, compactor) ×
    // (errors, throttles) + compactor backlog and unreadable objects + preprocess and backfill failures +
    // late + duplicates + unusable states + failed symbols + watermark lag + the serving table's system
    // and user errors and write and read throttles (the heartbeat is off by default)
    expect(Object.keys(alarms)).toHaveLength(24);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: AGGREGATOR_METRICS.unusableStates,
      Namespace: metricsNamespace(DEFAULT_CONFIG.prefix),
      Statistic: 'Maximum',
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: DEFAULT_CONFIG.alarms.iteratorAgeMs,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 1 });
    for (const [metricName, threshold] of [
      [AGGREGATOR_METRICS.lateTicks, DEFAULT_CONFIG.alarms.lateRatio],
      [AGGREGATOR_METRICS.duplicates, DEFAULT_CONFIG.alarms.duplicateRatio],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: threshold,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: Match.stringLikeRegexp('/ valid') }),
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: metricsNamespace(DEFAULT_CONFIG.prefix),
                MetricName: metricName,
                Dimensions: [{ Name: 'service', Value: 'aggregator' }],
              },
            }),
          }),
        ]),
      });
    }
  });

  it('encrypts the alarm topic and lets only TLS publishers in', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs the materializer every materializerMinutes: 5 by default, 1 when set', () => {
    const rule = (t: Template, every: string) =>
      t.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${every})`,
        Targets: [
          Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Materializer'), 'Arn'] } }),
        ],
      });
    rule(template, '5 minutes');
    rule(synthStack(resolveConfig({ materializerMinutes: 1 })), '1 minute');
  });
});

describe('TickflowStack with overrides', () => {
  it('switches the stream to on-demand and passes consumer settings through', () => {
    const template = synthStack(
      resolveConfig({
        stream: { shards: 'ON_DEMAND' },
        consumer: { parallelizationFactor: 4, maxRetryAttempts: 3 },
      }),
    );
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      ShardCount: Match.absent(),
    });
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: 4,
      MaximumRetryAttempts: 3,
    });
  });
});

describe('the producer policy', () => {
  const template = synthStack();
  const env = { account: '123456789012', region: 'eu-west-1' };
  const names = resourceNames(DEFAULT_CONFIG.prefix);
  const stream = `arn:aws:kinesis:eu-west-1:123456789012:stream/${names.tickStream}`;
  const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
  const key = `arn:aws:kms:eu-west-1:123456789012:key/${keyId}`;
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
  const statements = policies.flatMap(
    (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
  );

  it('is one managed policy that puts records on the stream and gets data keys for it only', () => {
    expect(policies).toHaveLength(1);
    const forStream = { 'kms:EncryptionContext:aws:kinesis:arn': [stream] };
    expect(isAllowed(template, statements, 'kinesis:PutRecords', stream, env)).toBe(true);
    expect(isAllowed(template, statements, 'kinesis:PutRecord', stream, env)).toBe(true);
    expect(isAllowed(template, statements, 'kms:GenerateDataKey', key, env, forStream)).toBe(true);
    // Not for another stream's context, not decrypt, not reads.
    const other = { 'kms:EncryptionContext:aws:kinesis:arn': [`${stream}-other`] };
    expect(isAllowed(template, statements, 'kms:GenerateDataKey', key, env, other)).toBe(false);
    expect(isAllowed(template, statements, 'kms:Decrypt', key, env, forStream)).toBe(false);
    expect(isAllowed(template, statements, 'kinesis:GetRecords', stream, env)).toBe(false);
  });

  it('is an output with the stream and the key ARN', () => {
    template.hasOutput('ProducerPolicyArn', { Value: { Ref: Match.stringLikeRegexp('ProducerPolicy') } });
    template.hasOutput('DataKeyArn', { Value: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasOutput('TickStreamArn', Match.anyValue());
  });
});
