import type { LambdaSizing } from '../../infra/cost-inventory.js';
import type { Bronze } from '../../shared/adapters/bronze/index.js';
import type { CompactionReport } from '../../shared/pipeline/bronze/tick-compactor.js';
import { type LiveSchedule, startLiveSchedule } from './live.js';
import type { RunMeter } from './metering.js';
import { retrying } from './retry.js';

/** What the compactor's runs of a local run did together. */
export interface CompactionTotals {
  /** Runs that finished: the scheduled ones during the stream and the one after it. */
  readonly runs: number;
  /** Staged rows dropped as already compacted or staged twice, over every run. */
  readonly duplicatesDropped: number;
  /** The last run's report: what it left staged (unreadable objects, objects over its limit). */
  readonly last: CompactionReport;
}

/**
 * The bronze compactor of a local run, each run timed and metered as one invocation of the compactor
 * function (`functions/compactor`). Runs never overlap: the scheduled ones wait for each other, and the
 * last one is started after the schedule has stopped (the deployed function holds a run lease for that).
 */
export class CompactionRuns {
  private runs = 0;
  private duplicatesDropped = 0;
  private last: CompactionReport | undefined;

  constructor(
    private readonly compactor: Bronze['compactor'],
    private readonly meter: RunMeter,
    private readonly sizing: LambdaSizing,
  ) {}

  /** One run, retried until it passes (compaction is idempotent; chaos faults are transient). */
  async run(): Promise<CompactionReport> {
    const report = await retrying(() =>
      this.meter.asInvocation(this.sizing.compactorMb, () => this.compactor.run()),
    );
    this.runs++;
    this.duplicatesDropped += report.duplicatesDropped;
    this.last = report;
    return report;
  }

  /** Runs every `everyMs` of processing time while the stream flows, as EventBridge schedules it in AWS. */
  schedule(everyMs: number): LiveSchedule {
    return startLiveSchedule(everyMs, async () => {
      await this.run();
    });
  }

  /** Runs finished so far. */
  get finished(): number {
    return this.runs;
  }

  /** Every run's totals; throws before the first run has finished. */
  totals(): CompactionTotals {
    if (this.last === undefined) throw new Error('the compactor has not run yet');
    return { runs: this.runs, duplicatesDropped: this.duplicatesDropped, last: this.last };
  }
}
