import { UsageMeter } from '../../shared/adapters/cost/usage-meter.js';
import { gbSeconds } from '../../shared/cost/index.js';

/**
 * The run's own meter: every client, runner and sink of the pipeline counts its billable units into
 * `usage`; function invocations are counted here, as Lambda bills them.
 */
export class RunMeter {
  readonly usage = new UsageMeter();

  /** One invocation of a function of `memoryMb` that ran for `durationMs`. */
  invoked(durationMs: number, memoryMb: number): void {
    this.usage.add('lambda.requests');
    this.usage.add('lambda.gbSeconds', gbSeconds(durationMs, memoryMb));
  }

  /** Times a scheduled function's work (materializer, compactor) as one invocation. */
  async asInvocation<T>(memoryMb: number, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.invoked(performance.now() - started, memoryMb);
    }
  }
}
