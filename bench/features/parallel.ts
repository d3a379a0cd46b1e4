import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { BarWorkloadOptions } from '../data/bars.js';
import type { FeatureWorkerData } from './features-worker.js';

/**
 * The symbols' features on several threads at once, split round-robin, as the preprocess state
 * machine's Map state splits them between Lambda invocations. Each worker simulates its own copy of
 * the seeded bars before timing starts, so nothing is copied between threads while timed.
 */
export class FeatureWorkers {
  private constructor(private readonly workers: readonly Worker[]) {}

  static async start(threads: number, workload: BarWorkloadOptions): Promise<FeatureWorkers> {
    const workers = Array.from({ length: threads }, (_, index) => {
      const workerData: FeatureWorkerData = { ...workload, index, count: threads };
      return new Worker(new URL('./features-worker.mjs', import.meta.url), { workerData });
    });
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    return new FeatureWorkers(workers);
  }

  /** Computes every symbol's features once; resolves with the total grid rows. */
  async run(): Promise<number> {
    const answers = this.workers.map((worker) => once(worker, 'message') as Promise<[number]>);
    for (const worker of this.workers) worker.postMessage('run');
    let rows = 0;
    for (const [count] of await Promise.all(answers)) rows += count;
    return rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
