import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../infra/environments.js';
import { InfraConfigError } from '../../infra/errors.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { createTickflowApp } from '../../infra/tickflow-app.js';
import { handlerCodeForTests, testOutdir } from './support.js';

const NO_BUNDLING = { builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } };

/** Environment files written by the test, so it does not depend on the repo's. */
function environmentsDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(testOutdir(), 'envs-'));
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(body));
  return dir;
}

/** Every physical name a template sets, by resource type and property. */
function physicalNames(t: Template): string[] {
  const names: string[] = [];
  for (const [type, props] of Object.entries(PHYSICAL_NAME_PROPS)) {
    for (const r of Object.values(t.findResources(type)) as { Properties: Record<string, unknown> }[]) {
      for (const p of props) {
        const v = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r.Properties);
        if (v !== undefined) names.push(`${type} ${JSON.stringify(v)}`);
      }
    }
  }
  return names;
}

const PHYSICAL_NAME_PROPS: Record<string, string[]> = {
  'AWS::Kinesis::Stream': ['Name'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::Cassandra::Keyspace': ['KeyspaceName'],
  'AWS::Cassandra::Table': ['KeyspaceName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
  'AWS::Athena::WorkGroup': ['Name'],
  'AWS::Glue::Database': ['DatabaseInput.Name'],
};

describe('environments: one stack each, every physical name derived from the prefix', () => {
  const dir = environmentsDir({
    // With the dashboard (off by default) on both, so its global name is checked too.
    dev: { region: 'eu-west-1', account: '123456789012', settings: { dashboard: true } },
    prod: { region: 'eu-west-1', account: '123456789012', settings: { prefix: 'tf-prod', dashboard: true } },
  });

  it('gives two environments two stacks that share no physical name (the keyspace included)', () => {
    const app = new App({ outdir: testOutdir(), ...NO_BUNDLING });
    const stacks = ['dev', 'prod'].map((name) => {
      const e = loadEnvironment(name, {}, dir);
      return new TickflowStack(app, e.stackName, {
        env: e.env,
        config: e.config,
        handlerCode: handlerCodeForTests(),
      });
    });
    const templates = stacks.map((stack) => ({ stack, template: Template.fromStack(stack) }));
    expect(templates.map((t) => t.stack.stackName)).toEqual(['Tickflow-dev', 'Tickflow-prod']);
    const [dev, prod] = templates.map((t) => physicalNames(t.template));
    expect(dev!.length).toBeGreaterThanOrEqual(10);
    expect(dev!.filter((n) => prod!.includes(n))).toEqual([]);
    expect(dev).toContain('AWS::Cassandra::Keyspace "tickflow_dev"');
    expect(prod).toContain('AWS::Cassandra::Keyspace "tf_prod"');
    expect(prod).toContain('AWS::Kinesis::Stream "tf-prod-ticks"');
    expect(prod).toContain('AWS::CloudWatch::Dashboard "tf-prod-eu-west-1"');
  });

  it('picks the environment from the tickflow:env context and overrides it with the tickflow context', () => {
    const { stack } = createTickflowApp({
      outdir: testOutdir(),
      ...NO_BUNDLING,
      context: { ...NO_BUNDLING.context, 'tickflow:env': 'prod', tickflow: '{"stream":{"shards":2}}' },
      environmentsDir: dir,
      handlerCode: handlerCodeForTests(),
    });
    expect(stack.stackName).toBe('Tickflow-prod');
    expect(stack.region).toBe('eu-west-1');
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'tf-prod-ticks',
      ShardCount: 2,
    });
  });

  it('refuses an invalid prefix at synth, naming the setting and the rule', () => {
    for (const prefix of ['Prod', 'p', 'tickflow_prod', 'ends-with-', 'a--b', 'x'.repeat(29)]) {
      expect(() => loadEnvironment('dev', { prefix }, dir)).toThrow(InfraConfigError);
      expect(() => loadEnvironment('dev', { prefix }, dir)).toThrow(
        /setting prefix = .* lowercase letters, digits and -/,
      );
    }
  });

  it('refuses an unknown setting, a missing environment and a malformed file, each with what to do', () => {
    expect(() => loadEnvironment('dev', { alarms: { iteratorAge: 5 } } as never, dir)).toThrow(
      /setting alarms\.iteratorAge = 5 .*no such setting; see docs\/configuration\.md/,
    );
    expect(() => loadEnvironment('qa', {}, dir)).toThrow(/no file .*qa\.json; environments there: dev, prod/);
    expect(() => loadEnvironment('Prod', {}, dir)).toThrow(/tickflow:env/);
    const bad = environmentsDir({ x: { region: 'Europe', settings: {} }, y: { prefix: 'a' } });
    expect(() => loadEnvironment('x', {}, bad)).toThrow(/region = "Europe" .*region code/);
    expect(() => loadEnvironment('y', {}, bad)).toThrow(/prefix .*account, region and settings only/);
  });

  it('ships environment files that all synthesize', () => {
    expect(environmentNames()).toEqual(expect.arrayContaining(['dev', 'prod']));
    for (const name of environmentNames()) expect(loadEnvironment(name).config.prefix).toMatch(/^tickflow-/);
  });
});
