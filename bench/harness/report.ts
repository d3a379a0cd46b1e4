import { writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine.js';

/** One line of the results table: a measured number of ours beside the reference's and the target. */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  /** Ours, formatted with its unit. */
  readonly ours: string;
  /** The reference, formatted with its unit; '—' when the row has none. */
  readonly reference: string;
  /** How many times faster ours is than the reference (reference time / our time); null without one. */
  readonly ratio: number | null;
  readonly target: string;
  /** 'info' for context rows that carry no target. */
  readonly status: 'PASS' | 'FAIL' | 'info';
  /** The raw numbers behind the row, for results.json. */
  readonly values: Readonly<Record<string, number>>;
}

/** What one suite measured, plus what a reader must know to trust it (data, SQL variant, agreement). */
export interface SuiteResult {
  readonly suite: string;
  readonly rows: readonly BenchRow[];
  readonly notes: readonly string[];
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly mode: 'full' | 'quick';
  readonly totalSeconds: number;
  readonly machine: MachineInfo;
  readonly suites: readonly SuiteResult[];
}

const HEADERS = ['benchmark', 'ours', 'reference', 'ratio', 'target', 'result'] as const;

function cells(row: BenchRow): string[] {
  return [
    `${row.suite}: ${row.name}`,
    row.ours,
    row.reference,
    row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`,
    row.target,
    row.status,
  ];
}

/** The rows as a fixed-width text table for the terminal. */
export function renderConsoleTable(rows: readonly BenchRow[]): string {
  const table = [HEADERS as readonly string[], ...rows.map(cells)];
  const widths = HEADERS.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(table[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join(
    '\n',
  );
}

/** The whole report as markdown, ready to paste into the README. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const rows = report.suites.flatMap((s) => s.rows);
  const out = [
    `### Benchmarks (\`npm run bench${report.mode === 'quick' ? ' -- --quick' : ''}\`)`,
    '',
    `${m.cpuModel}, ${m.cores} cores, Node ${m.node}, DuckDB ${m.duckdb}; load average ` +
      `${m.loadAverageStart.map((l) => l.toFixed(2)).join(' / ')} at start, ` +
      `${m.loadAverageEnd.map((l) => l.toFixed(2)).join(' / ')} at end (1/5/15 min); ${report.generatedAt}; ` +
      `${report.totalSeconds.toFixed(0)} s in all.`,
    '',
    ...markdownTable([HEADERS, ...rows.map(cells)]),
    '',
  ];
  for (const suite of report.suites) {
    if (suite.notes.length === 0) continue;
    out.push(`**${suite.suite}**`, '', ...suite.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}

/** A markdown table with padded columns (the layout the formatter keeps). */
function markdownTable(table: readonly (readonly string[])[]): string[] {
  const widths = table[0]!.map((_, c) => Math.max(3, ...table.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(table[0]!), line(widths.map((w) => '-'.repeat(w))), ...table.slice(1).map(line)];
}

/** Writes results.json and RESULTS.md next to each other. */
export function writeReport(report: BenchReport, jsonPath: string, markdownPath: string): void {
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdownPath, renderMarkdown(report));
}

/** `1234567.8` → `1,234,568`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

/** A PASS/FAIL status from a condition. */
export function verdict(ok: boolean): 'PASS' | 'FAIL' {
  return ok ? 'PASS' : 'FAIL';
}

/** The context row of a suite whose DuckDB reference loads its input into a table first (not timed). */
export function duckDbLoadRow(suite: string, what: string, loadWallMs: number): BenchRow {
  return {
    suite,
    name: `DuckDB: loading the ${what} (excluded above)`,
    ours: '—',
    reference: formatMs(loadWallMs),
    ratio: null,
    target: 'context',
    status: 'info',
    values: { loadWallMs },
  };
}
