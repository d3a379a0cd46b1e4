/**
 * `cdk diff` against a deployed stack shows only what changed: two synths of the same code and config
 * give byte-identical templates (no timestamps, random ids or ordering that depends on the run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTickflowApp } from '../../infra/tickflow-app.js';
import { handlerCodeForTests, testOutdir } from './support.js';

function synthTemplate(): string {
  const outdir = testOutdir();
  const { app, stack } = createTickflowApp({
    outdir,
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [], 'tickflow:env': 'prod' },
    env: { account: '123456789012', region: 'eu-west-1' },
    handlerCode: handlerCodeForTests(),
  });
  app.synth();
  return readFileSync(join(outdir, stack.templateFile), 'utf8');
}

describe('synthesis is deterministic', () => {
  it('gives identical templates on two runs', () => {
    const first = synthTemplate();
    const second = synthTemplate();
    expect(first.length).toBeGreaterThan(10_000);
    expect(second).toBe(first);
  });
});
