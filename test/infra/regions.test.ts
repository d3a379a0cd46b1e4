import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../infra/config.js';
import { InfraConfigError } from '../../infra/errors.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { handlerCodeForTests, templateApp } from './support.js';

function synth(region: string | undefined, serving: boolean) {
  const app = templateApp();
  const stack = new TickflowStack(app, 'Tickflow', {
    env: region ? { account: '123456789012', region } : undefined,
    config: resolveConfig({ serving: { enabled: serving } }),
    handlerCode: handlerCodeForTests(),
  });
  return {
    stack,
    template: Template.fromStack(stack),
    messages: app.synth().getStackArtifact(stack.artifactId).messages,
  };
}

describe('regions without Amazon Keyspaces', () => {
  it('refuses the serving store at synth in a region without Keyspaces, naming the setting', () => {
    for (const region of ['eu-central-2', 'ap-southeast-3', 'il-central-1']) {
      expect(() => synth(region, true)).toThrow(InfraConfigError);
      expect(() => synth(region, true)).toThrow(/serving\.enabled = true .*not available in /);
    }
  });

  it('synthesizes there with the serving store off, and without any Cassandra resource', () => {
    const { template } = synth('eu-central-2', false);
    expect(Object.keys(template.findResources('AWS::Cassandra::Keyspace'))).toEqual([]);
  });

  it('keeps the serving store in a region that has Keyspaces', () => {
    synth('eu-west-1', true).template.resourceCountIs('AWS::Cassandra::Keyspace', 1);
  });

  it('warns when the region is not known at synth time', () => {
    const { messages } = synth(undefined, true);
    expect(messages.map((m) => String(m.entry.data))).toEqual(
      expect.arrayContaining([expect.stringMatching(/serving store \(Amazon Keyspaces\) deploys only in/)]),
    );
  });
});
