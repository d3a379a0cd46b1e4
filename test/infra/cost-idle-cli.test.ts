import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';
import { alwaysOnInventory } from '../../infra/cost-inventory.js';
import { loadEnvironment } from '../../infra/environments.js';
import { idleCost, PRICE_TABLE } from '../../shared/cost/index.js';

const run = promisify(execFile);
const CLI = resolve(PROJECT_ROOT, 'bin', 'tickflow.mjs');

describe('tickflow cost --idle', () => {
  it("prints an environment's idle cost from its file, as the template-checked inventory prices it", async () => {
    const { stdout } = await run(process.execPath, [CLI, 'cost', '--idle', '--env', 'prod', '--json']);
    const expected = idleCost(alwaysOnInventory(loadEnvironment('prod').config), PRICE_TABLE);
    expect(JSON.parse(stdout)).toEqual({ environment: 'prod', ...expected });
    expect(expected.usd).toBeGreaterThan(10);
  });

  it('refuses an environment without a file, with exit code 2 and the environments there are', async () => {
    const err = await run(process.execPath, [CLI, 'cost', '--idle', '--env', 'nope']).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/no file .*nope\.json; environments there: dev, prod/);
  });
});
