/**
 * What a report file inlines, read from disk once per process: lightweight-charts' standalone
 * production build (from the installed package; its `exports` map does not list that file, so it is
 * found beside the package's package.json) and the page's own script and style.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReportAssets } from '../../report/html.js';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'report', 'page');

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (!cached) {
    const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
    cached = {
      chartLibrary: readFileSync(
        join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js'),
        'utf8',
      ),
      script: readFileSync(join(PAGE_DIR, 'report.js'), 'utf8'),
      style: readFileSync(join(PAGE_DIR, 'report.css'), 'utf8'),
    };
  }
  return cached;
}
