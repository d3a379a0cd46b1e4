/**
 * Writes a report file: queries the lake through an engine (DuckDB locally, Athena on a stack),
 * builds the model and writes the self-contained HTML.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { QueryEngine } from '../../query/result.js';
import { renderReportHtml } from '../../report/html.js';
import { loadReport, type ReportRequest } from '../../report/load.js';
import type { ReportModel } from '../../report/types.js';
import { DuckDbLake } from '../query/duckdb-lake.js';
import { reportAssets } from './assets.js';
import { readRunCounts } from './run-summary.js';

export interface WrittenReport {
  readonly path: string;
  readonly bytes: number;
  readonly model: ReportModel;
}

/** Builds the report from `engine` and writes it to `out` (its folder is created). */
export async function writeReport(
  engine: QueryEngine,
  request: ReportRequest,
  out: string,
): Promise<WrittenReport> {
  const model = await loadReport(engine, request);
  const html = renderReportHtml(model, reportAssets());
  const path = resolve(out);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, html);
  return { path, bytes: Buffer.byteLength(html), model };
}

/**
 * The report of a local run: its lake and summary in `runDir`, written to `runDir/report.html` beside
 * `summary.json`. What `tickflow local run` calls at its end.
 */
export async function writeRunReport(runDir: string): Promise<WrittenReport> {
  const lakeDir = join(runDir, 'lake');
  const lake = await DuckDbLake.open({ lakeDir });
  try {
    return await writeReport(
      lake,
      { source: `lake ${lake.views.lakeDir}`, run: readRunCounts(join(runDir, 'summary.json')) },
      join(runDir, 'report.html'),
    );
  } finally {
    await lake.close();
  }
}
