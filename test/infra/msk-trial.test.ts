import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';
import { TickflowStack } from '../../infra/stacks/tickflow-stack.js';
import { createTickflowApp } from '../../infra/tickflow-app.js';
import type { SourceSetting } from '../../infra/kafka-source.js';
import { handlerCodeForTests, templateApp, testOutdir } from './support.js';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const EXAMPLES = resolve(PROJECT_ROOT, 'docs', 'examples', 'environments');
const TRIAL: SourceSetting = { kind: 'kafka', topic: 'ticks', trial: { partitions: 4 } };

describe('dump', () => {
  it('dumps', () => {
    const stack = new TickflowStack(templateApp(), 'Tickflow', {
      env: ENV,
      config: resolveConfig({ prefix: 'tf-trial', source: TRIAL }),
      handlerCode: handlerCodeForTests(),
    });
    const t = Template.fromStack(stack).toJSON();
    writeFileSync('/tmp/mt/t.json', JSON.stringify(t, null, 1));
    const outdir = testOutdir();
    const { app } = createTickflowApp({
      outdir,
      environmentsDir: EXAMPLES,
      env: ENV,
      handlerCode: handlerCodeForTests(),
      builtinCloudFormationValidation: false,
      context: { 'tickflow:env': 'msk-trial', 'aws:cdk:bundling-stacks': [] },
    });
    try { app.synth(); } catch (e) { console.log(String(e).slice(0, 3000)); }
    try { console.log(readFileSync(join(outdir, 'validation-report.json'), 'utf8').slice(0, 6000)); } catch {}
  }, 60_000);
});
