/**
 * Every repository path the README and docs/ cite exists (a cited file that was renamed or never
 * written sends a reader nowhere).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TOP_LEVEL = ['infra', 'functions', 'shared', 'test', 'local', 'cli', 'bench', 'docs'];
/** `infra/stacks/tickflow-stack.ts`, `docs/lake.md#…`, `shared/cost/` — in backticks or a Markdown link. */
const CITED_PATH = new RegExp(`(?:\`|\\]\\()((?:${TOP_LEVEL.join('|')})/[A-Za-z0-9_./-]*)`, 'g');

/** Files a benchmark run writes (the README says which; .gitignore keeps them out of git). */
const GENERATED = /^bench\/RESULTS\.[a-z.-]+\.md$/;

function citedPaths(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(CITED_PATH)]
    .map((m) => m[1]!.replace(/[.,:;]+$/, ''))
    .filter((p) => !/[*<>]/.test(p));
}

describe('paths cited by the README and docs/', () => {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    it(`${file} cites only paths that exist`, () => {
      const missing = citedPaths(file).filter((p) => !GENERATED.test(p) && !existsSync(join(ROOT, p)));
      expect(missing).toEqual([]);
    });
  }
});
