/**
 * Every repository path the README and docs/ cite exists (a cited file that was renamed or never
 * written sends a reader nowhere), and every Markdown link between them reaches its file and
 * section (a link resolves from the file that holds it, as GitHub resolves it).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** The text outside fenced code blocks (a `# comment` in a shell block is not a heading). */
function prose(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  return new Set([...prose(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

/** `[text](target)` links to this repository (not to the web), as `file#anchor` from the root. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const m of prose(file).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/i.test(target)) continue;
    const [path = '', anchor] = target.split('#');
    const resolved = path === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), path));
    const found = existsSync(join(ROOT, resolved));
    const anchorFound =
      anchor === undefined || !resolved.endsWith('.md') || (found && anchors(resolved).has(anchor));
    if (!found || !anchorFound) broken.push(`${target} (${resolved})`);
  }
  return broken;
}

describe('paths cited by the README and docs/', () => {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    it(`${file} cites only paths that exist`, () => {
      const missing = citedPaths(file).filter((p) => !GENERATED.test(p) && !existsSync(join(ROOT, p)));
      expect(missing).toEqual([]);
    });

    it(`${file} links only to files and sections that exist`, () => {
      expect(brokenLinks(file)).toEqual([]);
    });
  }

  it("reads a heading's anchor as GitHub does", () => {
    expect(anchorOf('Is it healthy? `tickflow status`')).toBe('is-it-healthy-tickflow-status');
    expect(anchorOf('Records, packing and KPL')).toBe('records-packing-and-kpl');
  });
});
