/**
 * The one full synth: built-in CloudFormation validation and cdk-nag AwsSolutions both on, exactly as
 * `cdk synth` runs them (same `createTickflowApp`). Handlers whose entry file exists are bundled with
 * esbuild; the others use placeholder code until they are written (see support.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTickflowApp } from '../../infra/tickflow-app.js';
import { HANDLER_ENTRIES, handlerCodeForTests, handlerExists, testOutdir } from './support.js';

interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs?: readonly { readonly constructPath: string }[];
}
interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly Violation[];
  readonly suppressedViolations?: readonly (Violation & { readonly reason?: string })[];
}

describe('full synth with validation and cdk-nag', () => {
  let outdir: string;
  let reports: PluginReport[];
  let template: {
    Resources: Record<string, { Type: string; Properties: { Code?: Record<string, unknown> } }>;
  };

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'tickflow-synth-'));
    const { app, stack } = createTickflowApp({
      outdir,
      env: { account: '123456789012', region: 'eu-west-1' },
      handlerCode: handlerCodeForTests(),
    });
    // Throws (in-memory apps) when any plugin reports an unacknowledged error.
    const assembly = app.synth();
    template = assembly.getStackByName(stack.stackName).template;
    reports = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports;
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('leaves no unacknowledged error from CloudFormation validation or the AwsSolutions pack', () => {
    const errors = reports.flatMap((r) =>
      r.violations.filter((v) => v.severity === 'error' || v.severity === 'fatal'),
    );
    expect(errors).toEqual([]);
  });

  it('leaves no unacknowledged warning either', () => {
    const warnings = reports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`));
    expect(warnings).toEqual([]);
  });

  it('bundles every existing handler as ESM with parquet-wasm beside it (placeholders only for missing ones)', () => {
    const functions = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function',
    );
    const codeOf = (prefix: string) => functions.find(([id]) => id.startsWith(prefix))?.[1].Properties.Code;
    for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
      const code = codeOf(name.charAt(0).toUpperCase() + name.slice(1));
      if (!handlerExists(entry)) {
        expect({ name, inline: typeof code?.ZipFile }).toEqual({ name, inline: 'string' });
        continue;
      }
      const assetHash = String(code?.S3Key).replace(/\.zip$/, '');
      const files = readdirSync(join(outdir, `asset.${assetHash}`));
      expect({ name, files: files.filter((f) => !f.endsWith('.map')).sort() }).toEqual({
        name,
        files: ['index.mjs', 'parquet_wasm_bg.wasm'],
      });
    }
  });
});

describe('the AwsSolutions pack is active', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const { app } = createTickflowApp({
      outdir: testOutdir(),
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [] },
      env: { account: '123456789012', region: 'eu-west-1' },
      handlerCode: handlerCodeForTests(),
    });
    // A bucket with no TLS policy, no logs and no acknowledgement, next to the real stack.
    new s3.Bucket(new Stack(app, 'Unacknowledged'), 'Bare');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
