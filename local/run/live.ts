import type { LambdaSizing } from '../../infra/cost-inventory.js';
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
}

/**
 * Live mode, as the scheduled materializer does in AWS: each round puts watermark marks for quiet
 * symbols on the stream (the aggregator closes their bars when it reads them) and refreshes the lake,
 * through the deployed function's `materializerRound`.
 */
export function startLiveRounds(deps: LiveRoundsDeps): LiveSchedule {
  return startLiveSchedule(deps.everyMs, async () => {
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
}
