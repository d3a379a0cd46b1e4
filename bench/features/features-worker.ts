/**
 * One worker of the features benchmark's multi-threaded run: it simulates the same seeded bars as
 * the main thread, keeps every `count`-th symbol starting at `index`, and on each message computes
 * their features with `featureRows`, answering with the grid rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BarWorkloadOptions, simulateBars } from '../data/bars.js';
import { featureRows } from './compute.js';

export interface FeatureWorkerData extends BarWorkloadOptions {
  readonly index: number;
  readonly count: number;
}

const { index, count, ...workload } = workerData as FeatureWorkerData;
const series = simulateBars(workload).filter((_, i) => i % count === index);
const port = parentPort!;
port.on('message', () => port.postMessage(featureRows(series)));
port.postMessage('ready');
