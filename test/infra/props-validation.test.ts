import type { Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import type { DEFAULT_CONFIG } from '../../infra/config.js';
import { Aggregator } from '../../infra/constructs/aggregator.js';
import { Catalog } from '../../infra/constructs/catalog.js';
import { FailedBatches } from '../../infra/constructs/failed-batches.js';
import { DEFAULT_ENGINE, type EngineSettings } from '../../infra/constructs/handler-environment.js';
import { Lake } from '../../infra/constructs/lake.js';
import { Materializer } from '../../infra/constructs/materializer.js';
import { Monitoring } from '../../infra/constructs/monitoring.js';
import { PipelineFunction } from '../../infra/constructs/pipeline-function.js';
import { StateStore } from '../../infra/constructs/state-store.js';
import { StreamConsumer } from '../../infra/constructs/stream-consumer.js';
import { TickStream } from '../../infra/constructs/tick-stream.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { throwawayStack } from './support.js';

const inline = () => lambda.Code.fromInline('export const handler = async () => ({});');

/** Runs `build` and returns the InvalidPropsError it throws (fails the test when it throws nothing else). */
function propsError(build: (stack: Stack) => void): InvalidPropsError {
  const stack = throwawayStack();
  try {
    build(stack);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPropsError);
    return error as InvalidPropsError;
  }
  throw new Error('expected an InvalidPropsError, nothing was thrown');
}

function expectPropsError(build: (stack: Stack) => void, construct: string, prop: string): void {
  const error = propsError(build);
  expect(error.construct).toBe(construct);
  expect(error.prop).toBe(prop);
  expect(error.message).toContain(`${construct}: invalid ${prop}`);
}

function aggregatorWith(stack: Stack, engine: Partial<EngineSettings>): void {
  new Aggregator(stack, 'Aggregator', {
    source: { kind: 'kinesis', stream: new kinesis.Stream(stack, 'S') },
    stateStore: new StateStore(stack, 'State', {
      stateTableName: 's',
      seenIdsTableName: 'i',
      outputTableName: 'o',
    }),
    engine: { ...DEFAULT_ENGINE, ...engine },
    code: inline(),
    onFailure: failedBatches(stack),
  });
}

function failedBatches(stack: Stack): FailedBatches {
  return new FailedBatches(stack, 'Failed', { accessLogsBucket: new s3.Bucket(stack, 'Logs') });
}

function consumerWith(stack: Stack, consumer: Partial<typeof DEFAULT_CONFIG.consumer>): void {
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: inline(),
  });
  new StreamConsumer(stack, 'Consumer', {
    function: fn,
    source: { kind: 'kinesis', stream: new kinesis.Stream(stack, 'S') },
    consumer,
    onFailure: failedBatches(stack),
  });
}

function monitoringWith(stack: Stack, alarms: Partial<typeof DEFAULT_CONFIG.alarms>): void {
  new Monitoring(stack, 'Monitoring', { consumers: [], metricsService: 'aggregator', alarms });
}

describe('TickStream props', () => {
  it('refuses zero shards', () => {
    expectPropsError((s) => new TickStream(s, 'T', { streamName: 't', shards: 0 }), 'TickStream', 'shards');
  });
  it('refuses a fractional shard count', () => {
    expectPropsError((s) => new TickStream(s, 'T', { streamName: 't', shards: 1.5 }), 'TickStream', 'shards');
  });
  it('refuses a capacity that is neither a number nor ON_DEMAND', () => {
    const shards = 'LOTS' as unknown as number;
    expectPropsError((s) => new TickStream(s, 'T', { streamName: 't', shards }), 'TickStream', 'shards');
  });
  it('refuses a retention below 24 hours', () => {
    expectPropsError(
      (s) => new TickStream(s, 'T', { streamName: 't', retentionHours: 12 }),
      'TickStream',
      'retentionHours',
    );
  });
});

describe('StateStore props', () => {
  it('refuses an outputs retention shorter than the markers the materializer reads (3 days)', () => {
    expectPropsError(
      (s) =>
        new StateStore(s, 'S', {
          stateTableName: 's',
          seenIdsTableName: 'i',
          outputTableName: 'o',
          outputsRetentionDays: 1,
        }),
      'StateStore',
      'outputsRetentionDays',
    );
  });
});

describe('Lake props', () => {
  it('refuses a non-current version retention of 0 days', () => {
    expectPropsError((s) => new Lake(s, 'L', { noncurrentVersionDays: 0 }), 'Lake', 'noncurrentVersionDays');
  });
  it('refuses a write grant without a prefix (it would be a whole-bucket grant)', () => {
    expectPropsError(
      (s) => {
        const fn = new lambda.Function(s, 'Fn', {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code: inline(),
        });
        new Lake(s, 'L').grantWrite(fn, []);
      },
      'Lake',
      'prefixes',
    );
  });
});

describe('PipelineFunction props', () => {
  it('refuses memory below 128 MB', () => {
    expectPropsError(
      (s) => new PipelineFunction(s, 'F', { entry: 'x.ts', code: inline(), memoryMb: 64 }),
      'PipelineFunction',
      'memoryMb',
    );
  });
  it('refuses a timeout above 15 minutes', () => {
    expectPropsError(
      (s) => new PipelineFunction(s, 'F', { entry: 'x.ts', code: inline(), timeoutSeconds: 901 }),
      'PipelineFunction',
      'timeoutSeconds',
    );
  });
  it('refuses a missing entry file when no prebuilt code is given, saying what to write', () => {
    const error = propsError((s) => new PipelineFunction(s, 'F', { entry: 'functions/nowhere/index.ts' }));
    expect(error.prop).toBe('entry');
    expect(error.message).toContain('must export `handler`');
  });
});

describe('StreamConsumer props', () => {
  it('refuses a batch size above 10,000', () => {
    expectPropsError((s) => consumerWith(s, { batchSize: 10_001 }), 'StreamConsumer', 'batchSize');
  });
  it('refuses a batching window above 300 s', () => {
    expectPropsError(
      (s) => consumerWith(s, { maxBatchingWindowSeconds: 301 }),
      'StreamConsumer',
      'maxBatchingWindowSeconds',
    );
  });
  it('refuses a parallelization factor above 10', () => {
    expectPropsError(
      (s) => consumerWith(s, { parallelizationFactor: 11 }),
      'StreamConsumer',
      'parallelizationFactor',
    );
  });
  it('refuses infinite retries (-1), which would let one poison record block a shard', () => {
    const error = propsError((s) => consumerWith(s, { maxRetryAttempts: -1 }));
    expect(error.prop).toBe('maxRetryAttempts');
    expect(error.message).toContain('-1 (infinite) is refused');
  });
  it('refuses a maximum record age below 60 s', () => {
    expectPropsError(
      (s) => consumerWith(s, { maxRecordAgeSeconds: 30 }),
      'StreamConsumer',
      'maxRecordAgeSeconds',
    );
  });
});

describe('engine settings', () => {
  it('refuses an empty interval list', () => {
    expectPropsError((s) => aggregatorWith(s, { intervals: [] }), 'Aggregator', 'intervals');
  });
  it('refuses an interval label that is not size or size_slide', () => {
    expectPropsError((s) => aggregatorWith(s, { intervals: ['1m', 'hourly'] }), 'Aggregator', 'intervals');
  });
  // The cases below passed the former synth regex and failed only at the handler's cold start.
  it('refuses a sliding interval whose slide does not divide its size (5m_2m), as the domain does', () => {
    const error = propsError((s) => aggregatorWith(s, { intervals: ['1m', '5m_2m'] }));
    expect([error.construct, error.prop, error.value]).toEqual(['Aggregator', 'intervals', '5m_2m']);
    expect(error.message).toContain('the slide (2m) must divide the size (5m)');
  });
  it('refuses an interval listed twice (1m, 1m), as the domain does', () => {
    const error = propsError((s) => aggregatorWith(s, { intervals: ['1m', '5m', '1m'] }));
    expect([error.construct, error.prop, error.value]).toEqual(['Aggregator', 'intervals', '1m']);
    expect(error.message).toContain('listed more than once');
  });
  it('refuses a zero-length interval (0m), as the domain does', () => {
    expectPropsError((s) => aggregatorWith(s, { intervals: ['0m'] }), 'Aggregator', 'intervals');
  });
  it('refuses in the catalog the same lists it refuses in the aggregator', () => {
    const lake = (s: Stack) => new Lake(s, 'Lake');
    for (const intervals of [['5m_2m'], ['1m', '1m']]) {
      expectPropsError(
        (s) => new Catalog(s, 'C', { lake: lake(s), databaseName: 'd', workGroupName: 'w', intervals }),
        'Catalog',
        'intervals',
      );
    }
  });
  it('refuses a negative allowed lateness', () => {
    expectPropsError((s) => aggregatorWith(s, { allowedLatenessMs: -1 }), 'Aggregator', 'allowedLatenessMs');
  });
  it('refuses a dedup horizon above 7 days', () => {
    expectPropsError(
      (s) => aggregatorWith(s, { dedupHorizonMs: 8 * 86_400_000 }),
      'Aggregator',
      'dedupHorizonMs',
    );
  });
  it('refuses an idle timeout below one second', () => {
    expectPropsError((s) => aggregatorWith(s, { idleTimeoutMs: 10 }), 'Aggregator', 'idleTimeoutMs');
  });
  it('refuses an event-time range that ends before it starts', () => {
    expectPropsError(
      (s) =>
        aggregatorWith(s, { eventTimeFromMs: Date.UTC(2050, 0, 1), eventTimeToMs: Date.UTC(2040, 0, 1) }),
      'Aggregator',
      'eventTimeFromMs',
    );
  });
  it('refuses a negative future skew, and takes "off" for a stream of historical data', () => {
    expectPropsError((s) => aggregatorWith(s, { maxFutureSkewMs: -1 }), 'Aggregator', 'maxFutureSkewMs');
    expect(() => aggregatorWith(throwawayStack(), { maxFutureSkewMs: 'off' })).not.toThrow();
  });
});

describe('Materializer props', () => {
  it('refuses a schedule of 0 minutes', () => {
    expectPropsError(
      (s) =>
        new Materializer(s, 'M', {
          stateStore: new StateStore(s, 'State', {
            stateTableName: 's',
            seenIdsTableName: 'i',
            outputTableName: 'o',
          }),
          lake: new Lake(s, 'Lake'),
          source: { kind: 'kinesis', stream: new kinesis.Stream(s, 'S') },
          everyMinutes: 0,
          code: inline(),
        }),
      'Materializer',
      'everyMinutes',
    );
  });
});

describe('Monitoring props', () => {
  it.each([
    ['alarms.iteratorAgeMs', { iteratorAgeMs: 0 }],
    ['alarms.offsetLagRecords', { offsetLagRecords: 0 }],
    ['alarms.functionErrors', { functionErrors: 0 }],
    ['alarms.functionThrottles', { functionThrottles: 0.5 }],
    ['alarms.failedBatches', { failedBatches: 0 }],
    ['alarms.lateRatio', { lateRatio: 101 }],
    ['alarms.duplicateRatio', { duplicateRatio: 0 }],
  ] as const)('refuses an out-of-range %s', (prop, alarms) => {
    expectPropsError((s) => monitoringWith(s, alarms), 'Monitoring', prop);
  });
});

describe('a valid configuration', () => {
  it('builds every construct without a props error', () => {
    const stack = throwawayStack();
    aggregatorWith(stack, {});
    monitoringWith(stack, {});
    expect(stack.node.findAll().length).toBeGreaterThan(10);
  });
});
