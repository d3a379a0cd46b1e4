import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { Compactor, type CompactorProps } from '../../infra/constructs/compactor.js';
import { Lake } from '../../infra/constructs/lake.js';
import { StateStore } from '../../infra/constructs/state-store.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { COMPACTOR_ENV } from '../../shared/adapters/bronze/env.js';
import { throwawayStack } from './support.js';

const inline = () => lambda.Code.fromInline('export const handler = async () => ({});');

function build(props: Partial<CompactorProps> = {}): { compactor: Compactor; template: Template } {
  const stack = throwawayStack();
  const compactor = new Compactor(stack, 'Compactor', {
    lake: new Lake(stack, 'Lake'),
    stateStore: new StateStore(stack, 'State', {
      stateTableName: 'state',
      seenIdsTableName: 'seen-ids',
      outputTableName: 'outputs',
    }),
    code: inline(),
    ...props,
  });
  return { compactor, template: Template.fromStack(stack) };
}

function propsError(props: Partial<CompactorProps>): InvalidPropsError {
  try {
    build(props);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPropsError);
    return error as InvalidPropsError;
  }
  throw new Error('expected an InvalidPropsError, nothing was thrown');
}

describe('Compactor construct', () => {
  it('passes the compaction bounds to the handler only when they are set', () => {
    const tuned = build({ objectsPerChunk: 50, maxObjectsPerRun: 1000 }).template;
    tuned.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [COMPACTOR_ENV.objectsPerChunk]: '50',
          [COMPACTOR_ENV.maxObjectsPerRun]: '1000',
        }),
      },
    });
    const defaults = build().template.findResources('AWS::Lambda::Function');
    const variables = Object.values(defaults)[0]?.Properties.Environment.Variables;
    expect(variables).not.toHaveProperty(COMPACTOR_ENV.objectsPerChunk);
    expect(variables).not.toHaveProperty(COMPACTOR_ENV.maxObjectsPerRun);
  });

  it('follows a custom rate with the backlog metric period and alarm runs', () => {
    const { compactor, template } = build({ everyMinutes: 10, timeoutSeconds: 540, backlogAlarmPeriods: 2 });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    expect(compactor.stagedBacklog.period.toMinutes()).toBe(10);
    expect(compactor.alarmSpecs.map((a) => [a.name, a.evaluationPeriods ?? 1])).toEqual([
      ['CompactorStagedBacklog', 2],
      ['CompactorUnreadableStagedObjects', 1],
    ]);
  });

  it('refuses a timeout that reaches the next scheduled run', () => {
    const error = propsError({ everyMinutes: 5, timeoutSeconds: 300 });
    expect(error.prop).toBe('timeoutSeconds');
    expect(error.message).toMatch(/below the schedule \(300 s\)/);
  });

  it('refuses a schedule of 0 minutes', () => {
    expect(propsError({ everyMinutes: 0 }).prop).toBe('everyMinutes');
  });

  it('passes the compacted file span to the handler, and refuses one that does not divide the hour', () => {
    build({ fileMinutes: 15 }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [COMPACTOR_ENV.fileMinutes]: '15' }) },
    });
    expect(propsError({ fileMinutes: 7 }).prop).toBe('fileMinutes');
    expect(propsError({ fileMinutes: 120 }).message).toMatch(/a divisor of 60/);
  });

  it('passes the rows per part to the handler, and refuses a part too small to be worth a file', () => {
    build({ partRows: 100_000 }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [COMPACTOR_ENV.partRows]: '100000' }) },
    });
    expect(propsError({ partRows: 10 }).message).toMatch(/from 1000 to 10000000 \(rows per part\)/);
  });

  it('refuses non-positive compaction bounds', () => {
    expect(propsError({ objectsPerChunk: 0 }).prop).toBe('objectsPerChunk');
    expect(propsError({ maxObjectsPerRun: 2.5 }).prop).toBe('maxObjectsPerRun');
  });
});
