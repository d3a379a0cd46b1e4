import type { LambdaSizing } from '../../infra/cost-inventory.js';
import type { Bronze } from '../../shared/adapters/bronze/index.js';
import type { Pipeline } from '../../shared/adapters/pipeline-wiring.js';
import { materializerRound } from '../../shared/pipeline/materializer-round.js';
import type { RunMeter } from './metering.js';
import { retrying } from './retry.js';
import type { LocalStream } from './stream.js';

/** The scheduled work of live mode while the stream flows. */
export interface LiveSchedule {
  /** No new round; resolves once a round still running has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `everyMs` of processing time, as EventBridge runs the scheduled functions in
 * AWS, never two rounds at once. A failed round is left to the next one (as a failed scheduled
 * invocation is in AWS).
 */
export function startLiveSchedule(everyMs: number, round: () => Promise<void>): LiveSchedule {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = round()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

export interface LiveRoundsDeps {
  readonly everyMs: number;
  readonly pipeline: Pick<Pipeline, 'service' | 'materializer'>;
  readonly stream: Pick<LocalStream, 'publishMarks'>;
  readonly idleTimeoutMs: number;
  readonly meter: RunMeter;
  readonly sizing: LambdaSizing;
  /** Counts the lake's bar files after a round (the progress bar's), with requests not metered. */
  readonly barFiles: () => Promise<number>;
  readonly onBarFiles: (files: number) => void;
  /** The bronze compactor's scheduled runs while the stream flows (AWS: every 5 minutes); none when absent. */
  readonly compaction?: { readonly everyMs: number; readonly compactor: Bronze['compactor'] };
}

/**
 * Live mode, as the scheduled materializer does in AWS: each round puts watermark marks for quiet
 * symbols on the stream (the aggregator closes their bars when it reads them) and refreshes the lake,
 * through the deployed function's `materializerRound`. With `compaction`, the bronze compactor runs on
 * its own schedule too, as its scheduled function does in AWS.
 */
export function startLiveRounds(deps: LiveRoundsDeps): LiveSchedule {
  const { compaction } = deps;
  const compacting =
    compaction &&
    startLiveSchedule(compaction.everyMs, async () => {
      await retrying(() =>
        deps.meter.asInvocation(deps.sizing.compactorMb, () => compaction.compactor.run()),
      );
    });
  const rounds = startLiveSchedule(deps.everyMs, async () => {
    await retrying(() =>
      deps.meter.asInvocation(deps.sizing.materializerMb, () =>
        materializerRound({
          service: deps.pipeline.service,
          materializer: deps.pipeline.materializer,
          publishMarks: (marks) => deps.stream.publishMarks(marks),
          idleTimeoutMs: deps.idleTimeoutMs,
        }),
      ),
    );
    deps.onBarFiles(await deps.barFiles());
  });
  return {
    async stop() {
      await Promise.all([rounds.stop(), compacting?.stop()]);
    },
  };
}
