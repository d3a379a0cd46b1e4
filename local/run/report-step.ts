import { writeRunReport } from '../../shared/adapters/report/write-report.js';
import { EmptyLakeError } from '../../shared/report/errors.js';
import type { PostRunStep } from './post-run.js';

/**
 * The last step of `tickflow local run`: `report.html` beside `summary.json` (README, "See the
 * market"), its path printed. A report that cannot be written fails the run; a lake without bars
 * (every tick invalid) is the run's result, not a failure, and gets no report.
 */
export const reportStep: PostRunStep = {
  name: 'report',
  async run({ out, print, log }) {
    try {
      const report = await writeRunReport(out);
      print(`  report        ${report.path}\n`);
      return {};
    } catch (err) {
      if (err instanceof EmptyLakeError) {
        print('  report        none: the lake has no bars\n');
        return {};
      }
      log(`tickflow: the run finished but its report failed: ${(err as Error).message}\n`);
      return { failed: true };
    }
  },
};
