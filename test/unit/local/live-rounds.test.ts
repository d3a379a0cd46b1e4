/**
 * The local run's live mode runs the scheduled functions' work while the stream flows, each on its
 * own schedule and metered as an invocation, as EventBridge runs them in AWS.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../infra/config.js';
import { lambdaSizing } from '../../../infra/cost-inventory.js';
import { type LiveRoundsDeps, startLiveRounds } from '../../../local/run/live.js';
import { RunMeter } from '../../../local/run/metering.js';

const sizing = lambdaSizing(DEFAULT_CONFIG);

function deps(meter: RunMeter, counts: { rounds: number; compactions: number }): LiveRoundsDeps {
  return {
    everyMs: 5,
    pipeline: {
      service: { idleWatermarks: async () => [] },
      materializer: {
        materialize: async () => {
          counts.rounds++;
          return { partitions: 0, rows: 0, files: [] };
        },
      },
    } as unknown as LiveRoundsDeps['pipeline'],
    stream: { publishMarks: async () => undefined } as unknown as LiveRoundsDeps['stream'],
    idleTimeoutMs: 60_000,
    meter,
    sizing,
    barFiles: async () => 0,
    onBarFiles: () => undefined,
  };
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

describe('live rounds', () => {
  it('runs the compactor on its own schedule when asked, metered at its memory, and stops both', async () => {
    const meter = new RunMeter();
    const counts = { rounds: 0, compactions: 0 };
    const compactor = {
      run: async () => {
        counts.compactions++;
        return {};
      },
    } as unknown as NonNullable<LiveRoundsDeps['compaction']>['compactor'];
    const live = startLiveRounds({ ...deps(meter, counts), compaction: { everyMs: 5, compactor } });
    await until(() => counts.rounds >= 2 && counts.compactions >= 2);
    await live.stop();
    const after = { ...counts };
    await new Promise((r) => setTimeout(r, 30));
    expect(counts).toEqual(after);
    expect(meter.usage.snapshot()['lambda.requests']).toBe(counts.rounds + counts.compactions);
  });

  it('leaves compaction to the end of the run unless asked', async () => {
    const meter = new RunMeter();
    const counts = { rounds: 0, compactions: 0 };
    const live = startLiveRounds(deps(meter, counts));
    await until(() => counts.rounds >= 2);
    await live.stop();
    expect(meter.usage.snapshot()['lambda.requests']).toBe(counts.rounds);
  });
});
