/** Reads the counts the report checks from a run's `summary.json` (written by `tickflow local run`). */

import { readFileSync } from 'node:fs';
import { RunSummaryError } from '../../report/errors.js';
import type { RunCounts } from '../../report/types.js';

/**
 * The run counts of a summary file.
 * @throws RunSummaryError when the file is missing, not JSON, or lacks a count.
 */
export function readRunCounts(file: string): RunCounts {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RunSummaryError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(text);
  } catch {
    throw new RunSummaryError(file, 'is not JSON');
  }
  const count = (name: string): number => {
    const v = s?.[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RunSummaryError(
        file,
        `has no number "${name}": is it the summary.json of \`tickflow local run\`?`,
      );
    }
    return v;
  };
  const counts = (name: string): Record<string, number> => {
    const v = s?.[name];
    if (typeof v !== 'object' || v === null || Object.values(v).some((n) => typeof n !== 'number')) {
      throw new RunSummaryError(file, `has no counts per interval "${name}"`);
    }
    return v as Record<string, number>;
  };
  const discarded = s.discarded as { records?: unknown; ticks?: unknown } | undefined;
  return {
    rows: count('rows'),
    valid: count('valid'),
    quarantined: count('quarantined'),
    duplicates: count('duplicates'),
    late: counts('late'),
    bars: counts('bars'),
    ...(typeof discarded?.records === 'number' &&
      typeof discarded.ticks === 'number' && {
        discarded: { records: discarded.records, ticks: discarded.ticks },
      }),
  };
}
