import { buildBarGrid, computeFeatures } from '../../shared/domain/features/index.js';
import type { Bar } from '../../shared/domain/types.js';
import { MINUTE_MS } from '../data/bars.js';

/**
 * The features of every symbol, one after the other, as the features task computes them: each
 * symbol's frame is dropped before the next one is built (the task writes it to the lake and lets it
 * go). Returns the grid rows. Holding all 50 frames instead (~250 MB of typed arrays) made the run
 * GC-bound: 2 threads then took as long as 1 (`npm run bench -- --only features`, tried).
 */
export function featureRows(series: readonly (readonly Bar[])[]): number {
  let rows = 0;
  for (const bars of series) rows += computeFeatures(buildBarGrid(bars, MINUTE_MS)).grid.length;
  return rows;
}
