/**
 * One worker of the features benchmark's multi-threaded run: it simulates the same seeded bars as
 * the main thread, keeps every `count`-th symbol starting at `index`, and on each message computes
 * their features (the product's `buildBarGrid` + `computeFeatures`), answering with the grid rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildBarGrid, computeFeatures } from '../../shared/domain/features/index.js';
import { type BarWorkloadOptions, MINUTE_MS, simulateBars } from '../data/bars.js';

export interface FeatureWorkerData extends BarWorkloadOptions {
  readonly index: number;
  readonly count: number;
}

const { index, count, ...workload } = workerData as FeatureWorkerData;
const series = simulateBars(workload).filter((_, i) => i % count === index);
const port = parentPort!;
port.on('message', () => {
  let rows = 0;
  for (const bars of series) rows += computeFeatures(buildBarGrid(bars, MINUTE_MS)).grid.length;
  port.postMessage(rows);
});
port.postMessage('ready');
