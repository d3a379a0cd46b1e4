import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function.js';

/** Every setting's documented name: top-level keys and `group.key` for the nested groups. */
function settingNames(): string[] {
  const names = ['dedupHorizonMs'];
  for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      names.push(...Object.keys(value).map((k) => `${key}.${k}`));
    } else {
      names.push(key);
    }
  }
  return names;
}

describe('docs/configuration.md', () => {
  it('documents every setting of infra/config.ts in its table', () => {
    const doc = readFileSync(resolve(PROJECT_ROOT, 'docs', 'configuration.md'), 'utf8');
    const documented = new Set(
      [...doc.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)? \|/gm)].flatMap((m) => [m[1], m[2]]),
    );
    expect(settingNames().filter((n) => !documented.has(n))).toEqual([]);
  });
});
